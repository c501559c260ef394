from dashboards import ui

ui.header("reposicion")
