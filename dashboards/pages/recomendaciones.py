from dashboards import ui

ui.header("recomendaciones")
