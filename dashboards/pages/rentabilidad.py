from dashboards import ui

ui.header("rentabilidad")
