from dashboards import ui

ui.header("pronostico")
