from dashboards import ui

ui.header("audiencias")
