"""The catalogue a Peruvian chain carries: departments, categories, subcategories, brands.

Static data only. Prices are shelf prices with IGV in soles; ``pack`` is the supplier's case
size; ``igv`` is the SUNAT catálogo 07 affectation; ``popularity`` scales how often a
subcategory sells relative to the others (seasonal categories are low outside their season).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sub:
    name: str
    items: tuple[str, ...]
    brands: tuple[str, ...]
    sizes: tuple[str, ...]
    price: tuple[float, float]
    pack: int = 1
    igv: str = "10"
    popularity: float = 1.0


@dataclass(frozen=True)
class Department:
    name: str
    code: str
    margin: float
    categories: dict[str, tuple[Sub, ...]]


def _d(name: str, code: str, margin: float, categories: dict[str, tuple[Sub, ...]]):
    return Department(name, code, margin, categories)


DEPARTMENTS: tuple[Department, ...] = (
    _d("Abarrotes", "ABA", 0.18, {
        "Arroz y menestras": (
            Sub("Arroz", ("Arroz extra", "Arroz superior", "Arroz integral"),
                ("Costeño", "Paisana", "Valle Norte", "Faraón"), ("750 g", "1 kg", "5 kg"),
                (3.9, 24.9), 12, popularity=3.0),
            Sub("Menestras", ("Lenteja", "Frejol canario", "Garbanzo", "Pallar"),
                ("Costeño", "Paisana", "Valle Norte"), ("500 g", "1 kg"), (4.5, 12.9), 12),
        ),
        "Aceites": (
            Sub("Aceites", ("Aceite vegetal", "Aceite de girasol", "Aceite de oliva"),
                ("Primor", "Cocinero", "Ideal", "Capri"), ("900 ml", "1 L", "200 ml"),
                (7.9, 29.9), 12, popularity=2.0),
        ),
        "Conservas": (
            Sub("Conservas de pescado", ("Filete de atún", "Trozos de atún", "Sardinas en salsa",
                                         "Grated de caballa"),
                ("Florida", "A-1", "Campomar", "Real"), ("140 g", "170 g", "425 g"),
                (3.5, 9.9), 24, popularity=1.5),
        ),
        "Fideos y harinas": (
            Sub("Fideos", ("Spaghetti", "Tallarín", "Canuto", "Corbata", "Cabello de ángel"),
                ("Don Vittorio", "Lavaggi", "Molitalia", "Nicolini"), ("500 g", "1 kg"),
                (2.9, 7.9), 20, popularity=2.0),
            Sub("Harinas y salsas", ("Harina preparada", "Salsa de tomate", "Mayonesa",
                                     "Ají amarillo molido"),
                ("Blanca Flor", "Alacena", "Tarí", "Don Vittorio"), ("100 g", "400 g", "1 kg"),
                (2.5, 12.9), 12),
        ),
        "Lácteos": (
            Sub("Leche", ("Leche evaporada entera", "Leche evaporada light", "Leche UHT"),
                ("Gloria", "Laive", "Ideal", "Bonlé"), ("400 g", "1 L", "6 x 400 g"),
                (3.6, 24.9), 24, popularity=3.0),
            Sub("Yogurt y quesos", ("Yogurt bebible fresa", "Yogurt bebible vainilla",
                                    "Queso edam", "Mantequilla"),
                ("Gloria", "Laive", "Battery"), ("1 L", "180 g", "200 g"), (4.9, 18.9), 6),
        ),
        "Desayuno": (
            Sub("Café y cocoa", ("Café instantáneo", "Café tostado molido", "Chocolate para taza",
                                 "Cocoa"),
                ("Altomayo", "Kirma", "Nescafé", "Sol del Cusco"), ("50 g", "180 g", "90 g"),
                (4.9, 24.9), 12, popularity=1.5),
            Sub("Avena y cereales", ("Avena", "Avena con quinua", "Cereal de maíz"),
                ("Quaker", "3 Ositos", "Ángel"), ("250 g", "900 g"), (3.5, 14.9), 12),
        ),
        "Snacks y golosinas": (
            Sub("Galletas", ("Galleta soda", "Galleta rellena", "Galleta de vainilla",
                             "Wafer de chocolate"),
                ("Field", "Casino", "Margarita", "Chomp", "Oreo"), ("6 un", "8 un", "paquete"),
                (0.8, 6.5), 24, popularity=2.5),
            Sub("Papas y chifles", ("Papas fritas clásicas", "Chifles", "Camote frito",
                                    "Maní salado"),
                ("Lay's", "Inka Chips", "Karinto", "Cuates"), ("42 g", "150 g"), (1.5, 8.9), 24,
                popularity=1.5),
        ),
        "Panetones": (
            Sub("Panetones", ("Panetón clásico", "Panetón con chips de chocolate",
                              "Panetón sin pasas"),
                ("D'Onofrio", "Todinno", "Motta", "Gloria", "Buon Natale"),
                ("caja 900 g", "bolsa 900 g", "lata 1 kg"), (14.9, 44.9), 6, popularity=0.12),
        ),
        "Frutas y verduras": (
            Sub("Frutas y verduras", ("Papa amarilla", "Papa blanca", "Cebolla roja",
                                      "Limón", "Plátano de seda", "Palta fuerte", "Mandarina"),
                ("Granel",), ("bolsa 1 kg", "bolsa 2 kg"), (2.5, 12.9), 1, igv="20",
                popularity=2.0),
        ),
    }),
    _d("Bebidas", "BEB", 0.22, {
        "Gaseosas": (
            Sub("Gaseosas", ("Gaseosa",), ("Inca Kola", "Coca-Cola", "Pepsi", "Guaraná",
                                           "Kola Real", "Fanta"),
                ("500 ml", "1.5 L", "3 L", "6 x 500 ml"), (2.0, 14.9), 12, popularity=3.5),
        ),
        "Aguas": (
            Sub("Aguas", ("Agua sin gas", "Agua con gas"), ("San Luis", "Cielo", "San Mateo"),
                ("625 ml", "2.5 L", "7 L"), (1.5, 9.9), 12, popularity=2.0),
        ),
        "Jugos y néctares": (
            Sub("Jugos", ("Néctar de durazno", "Néctar de mango", "Refresco de maracuyá"),
                ("Frugos", "Pulp", "Gloria"), ("235 ml", "1 L"), (1.2, 6.5), 24),
        ),
        "Cervezas": (
            Sub("Cervezas", ("Cerveza lata", "Cerveza botella", "Six pack"),
                ("Pilsen Callao", "Cristal", "Cusqueña", "Corona"), ("355 ml", "620 ml",
                                                                    "6 x 355 ml"),
                (3.5, 32.9), 12, popularity=1.8),
        ),
        "Energizantes e isotónicas": (
            Sub("Energizantes", ("Bebida energizante", "Bebida isotónica"),
                ("Volt", "Sporade", "Gatorade", "Red Bull"), ("300 ml", "500 ml"), (1.8, 7.9),
                12),
        ),
    }),
    _d("Cuidado personal", "CUP", 0.30, {
        "Cuidado del cabello": (
            Sub("Shampoo y acondicionador", ("Shampoo", "Acondicionador", "Crema para peinar"),
                ("Head & Shoulders", "Pantene", "Sedal", "Savital"), ("180 ml", "400 ml"),
                (8.9, 26.9), 12, popularity=1.5),
        ),
        "Higiene bucal": (
            Sub("Higiene bucal", ("Pasta dental", "Cepillo dental", "Enjuague bucal"),
                ("Colgate", "Dento", "Oral-B", "Kolynos"), ("75 ml", "150 ml", "pack x3"),
                (3.5, 19.9), 24, popularity=1.5),
        ),
        "Cuidado de la piel": (
            Sub("Cremas y bloqueadores", ("Crema corporal", "Bloqueador solar FPS 50",
                                          "Desodorante roll-on"),
                ("Nivea", "Banana Boat", "Rexona", "Dove"), ("50 ml", "200 ml", "400 ml"),
                (8.9, 49.9), 12),
        ),
        "Perfumería": (
            Sub("Perfumes y colonias", ("Perfume mujer", "Colonia hombre", "Set de regalo"),
                ("Ésika", "L'Bel", "Cyzone", "Natura"), ("50 ml", "100 ml"), (39.0, 189.0), 6,
                popularity=0.5),
        ),
        "Pañales": (
            Sub("Pañales y toallitas", ("Pañales etapa 3", "Pañales etapa 4",
                                        "Toallitas húmedas"),
                ("Huggies", "Pampers", "Babysec"), ("paquete 40 un", "paquete 80 un"),
                (14.9, 79.9), 4, popularity=1.2),
        ),
    }),
    _d("Limpieza", "LIM", 0.25, {
        "Detergentes": (
            Sub("Detergentes", ("Detergente en polvo", "Detergente líquido", "Suavizante"),
                ("Ariel", "Bolívar", "Opal", "Ace", "Sapolio"), ("800 g", "2 kg", "4.5 kg"),
                (6.9, 49.9), 6, popularity=2.0),
        ),
        "Lavavajillas": (
            Sub("Lavavajillas", ("Lavavajilla en pasta", "Lavavajilla líquido", "Esponja"),
                ("Sapolio", "Ayudín", "Scotch-Brite"), ("500 g", "900 ml", "pack x3"),
                (2.5, 14.9), 12),
        ),
        "Papel higiénico": (
            Sub("Papel", ("Papel higiénico doble hoja", "Papel toalla", "Servilletas"),
                ("Elite", "Suave", "Paracas", "Noble"), ("4 rollos", "12 rollos", "24 rollos"),
                (4.5, 39.9), 6, popularity=1.8),
        ),
        "Desinfectantes": (
            Sub("Desinfectantes", ("Lejía", "Limpiador multiusos", "Desinfectante de pisos"),
                ("Clorox", "Sapolio", "Poett", "Pinesol"), ("1 L", "2 L", "4 L"), (3.9, 19.9),
                12),
        ),
    }),
    _d("Útiles escolares", "UTI", 0.35, {
        "Cuadernos": (
            Sub("Cuadernos", ("Cuaderno cuadriculado", "Cuaderno rayado", "Cuaderno triple reng."),
                ("Standford", "Justus", "Loro", "Alpha"), ("A4 80 hojas", "A4 100 hojas"),
                (3.5, 12.9), 24, popularity=0.5),
        ),
        "Escritura": (
            Sub("Lapiceros y colores", ("Lapicero azul", "Lápiz 2B", "Colores x12",
                                        "Plumones x12", "Borrador"),
                ("Faber-Castell", "Pilot", "Artesco", "Layconsa"), ("unidad", "caja"),
                (0.8, 24.9), 24, popularity=0.5),
        ),
        "Mochilas y loncheras": (
            Sub("Mochilas", ("Mochila escolar", "Lonchera térmica", "Cartuchera"),
                ("Porta", "Totto", "Xtreme", "Chenson"), ("pequeña", "mediana", "grande"),
                (19.9, 159.0), 4, popularity=0.2),
        ),
        "Libros": (
            Sub("Libros escolares", ("Libro de actividades", "Diccionario escolar", "Plan lector"),
                ("Santillana", "Norma", "Corefo", "SM"), ("primaria", "secundaria"),
                (24.9, 89.9), 10, igv="20", popularity=0.15),
        ),
        "Arte y manualidades": (
            Sub("Arte", ("Plastilina x12", "Témperas x7", "Papel lustre", "Goma escolar"),
                ("Artesco", "Vinifan", "Faber-Castell"), ("unidad", "pack"), (1.5, 14.9), 24,
                popularity=0.4),
        ),
        "Diarios y revistas": (
            # Demo choice: newspapers sold as inafecto, so the affectation '30' appears in data.
            Sub("Diarios", ("Diario", "Revista semanal"), ("El Comercio", "Trome", "Somos"),
                ("edición", "domingo"), (0.8, 9.9), 10, igv="30", popularity=0.3),
        ),
    }),
    _d("Ropa", "ROP", 0.55, {
        "Ropa de invierno": (
            Sub("Abrigo", ("Casaca acolchada", "Chompa de alpaca", "Polar", "Chalina y gorro"),
                ("Topitop", "Basement", "Index", "Kuna"), ("S", "M", "L"), (39.9, 249.0), 6,
                popularity=0.3),
        ),
        "Polos y camisas": (
            Sub("Polos", ("Polo algodón pima", "Camisa manga larga", "Blusa"),
                ("Topitop", "Basement", "Index", "Sybilla"), ("S", "M", "L", "XL"),
                (24.9, 99.9), 6, popularity=0.6),
        ),
        "Ropa interior": (
            Sub("Ropa interior", ("Calzoncillo boxer", "Trusa", "Medias pack x3"),
                ("Kayser", "Lore", "Topitop"), ("S", "M", "L"), (9.9, 39.9), 12,
                popularity=0.5),
        ),
        "Uniformes escolares": (
            Sub("Uniformes", ("Buzo escolar", "Camisa blanca escolar", "Falda escolar"),
                ("Topitop", "Uniformes Perú"), ("talla 8", "talla 10", "talla 12", "talla 14"),
                (29.9, 119.0), 6, popularity=0.12),
        ),
        "Calzado": (
            Sub("Calzado", ("Zapatillas urbanas", "Zapatos escolares", "Sandalias"),
                ("Bata", "Power", "North Star", "Adidas"), ("talla 36", "talla 38", "talla 40",
                                                          "talla 42"),
                (39.9, 299.0), 6, popularity=0.4),
        ),
    }),
    _d("Hogar", "HOG", 0.40, {
        "Menaje de cocina": (
            Sub("Menaje", ("Olla de acero", "Sartén antiadherente", "Juego de cubiertos",
                           "Hervidor de acero"),
                ("Record", "Tramontina", "Imusa", "Rena"), ("20 cm", "24 cm", "set"),
                (24.9, 199.0), 4, popularity=0.4),
        ),
        "Textil hogar": (
            Sub("Textil", ("Frazada polar", "Juego de sábanas", "Toalla de baño", "Edredón"),
                ("Cannon", "Rosatel Home", "Vianney"), ("1.5 plazas", "2 plazas", "king"),
                (29.9, 229.0), 4, popularity=0.4),
        ),
        "Decoración y Navidad": (
            Sub("Navidad", ("Árbol de Navidad", "Luces navideñas LED", "Nacimiento",
                            "Bolas navideñas x12"),
                ("Casa Bonita", "Festiva"), ("1.5 m", "1.8 m", "caja"), (12.9, 299.0), 4,
                popularity=0.03),
        ),
        "Plásticos": (
            Sub("Plásticos", ("Táper hermético", "Balde con tapa", "Organizador", "Tina"),
                ("Rey", "Basa", "Plastiforte"), ("1 L", "5 L", "20 L"), (3.9, 39.9), 12,
                popularity=0.6),
        ),
    }),
    _d("Juguetes", "JUG", 0.45, {
        "Muñecas y figuras": (
            Sub("Muñecas y figuras", ("Muñeca", "Figura de acción", "Carrito a escala"),
                ("Barbie", "Hot Wheels", "Marvel", "Paw Patrol"), ("básico", "deluxe"),
                (19.9, 159.0), 6, popularity=0.15),
        ),
        "Juegos de mesa": (
            Sub("Juegos de mesa", ("Ludo", "Monopoly", "Jenga", "Rompecabezas 500 piezas"),
                ("Hasbro", "Mattel", "Ravensburger"), ("estándar",), (19.9, 129.0), 6,
                popularity=0.12),
        ),
        "Playa y verano": (
            Sub("Playa", ("Pelota de playa", "Flotador", "Set de playa", "Piscina inflable"),
                ("Intex", "Bestway"), ("pequeño", "grande"), (9.9, 199.0), 6, popularity=0.03),
        ),
        "Peluches": (
            Sub("Peluches", ("Oso de peluche", "Peluche unicornio", "Peluche de personaje"),
                ("Phi Phi Toys", "Disney"), ("30 cm", "60 cm"), (19.9, 99.0), 6,
                popularity=0.12),
        ),
    }),
    _d("Electro", "ELE", 0.20, {
        "Pequeños electrodomésticos": (
            Sub("Electrodomésticos", ("Licuadora", "Hervidor eléctrico", "Plancha a vapor",
                                      "Arrocera", "Sandwichera"),
                ("Oster", "Imaco", "Philips", "Electrolux"), ("1.5 L", "estándar"),
                (59.0, 399.0), 2, popularity=0.2),
        ),
        "Televisores": (
            Sub("Televisores", ("Smart TV LED", "Smart TV 4K UHD"),
                ("Samsung", "LG", "Xiaomi", "Hisense"), ('32"', '43"', '55"', '65"'),
                (699.0, 3499.0), 1, popularity=0.03),
        ),
        "Celulares y accesorios": (
            Sub("Celulares", ("Smartphone", "Audífonos bluetooth", "Cargador rápido",
                              "Power bank"),
                ("Xiaomi", "Samsung", "Motorola", "Honor"), ("básico", "pro"), (29.9, 1499.0), 4,
                popularity=0.12),
        ),
        "Ventiladores": (
            Sub("Ventiladores", ("Ventilador de pie", "Ventilador de mesa", "Ventilador torre"),
                ("Imaco", "Miray", "Oster"), ('16"', '18"'), (59.0, 249.0), 2,
                popularity=0.04),
        ),
    }),
)  # fmt: skip
