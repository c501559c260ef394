from dashboards import ui

ui.header("segmentos")
