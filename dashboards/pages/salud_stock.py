from dashboards import ui

ui.header("salud_stock")
