from dashboards import ui

ui.header("calidad")
