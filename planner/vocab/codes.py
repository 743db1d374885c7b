"""The planner's controlled vocabularies (DOMAIN.md c.4). Codes are lower snake case and never change; labels
are translated.

Two kinds:
- fixed vocabularies, defined here as labelled enums (transport modes, location types, detection methods,
  selection basis of controls, equipment): changing them is a code change, because rules depend on them;
- admin-managed vocabularies (commodity categories and their types, concealment methods): seeded from the
  lists below into VocabularyTerm rows by load_vocabularies(), then renamed, extended or deactivated by admins.

Read them through planner.vocab.queries (vocabulary, is_valid, types_of, term_error), which knows both kinds.
"""
from flask_babel import lazy_gettext as _l

from planner.core.enums import LabelledEnum

# Vocabulary names, as used by planner.vocab.queries and stored in VocabularyTerm.vocabulary.
COMMODITY_CATEGORY = "commodity_category"
COMMODITY_TYPE = "commodity_type"
CONCEALMENT_METHOD = "concealment_method"
TRANSPORT_MODE = "transport_mode"
LOCATION_TYPE = "location_type"
DETECTION_METHOD = "detection_method"
SELECTION_BASIS = "selection_basis"
EQUIPMENT = "equipment"


class TransportMode(LabelledEnum):
    """Transport mode or sector of a consignment, a control or a business case (CIS means-of-transport types)."""

    AIR_CARGO = "air_cargo", _l("Air cargo")
    AIR_PASSENGER = "air_passenger", _l("Air passengers")
    SEA_CONTAINER = "sea_container", _l("Sea container")
    SEA_OTHER = "sea_other", _l("Sea, other (vessels, bulk, ro-ro)")
    ROAD = "road", _l("Road")
    RAIL = "rail", _l("Rail")
    POSTAL = "postal", _l("Post and express couriers")


class LocationType(LabelledEnum):
    """Where a seizure or control took place; also the kind of a Place."""

    SEAPORT = "seaport", _l("Sea port")
    AIRPORT = "airport", _l("Airport")
    LAND_BORDER = "land_border", _l("Land border crossing")
    RAIL_BORDER = "rail_border", _l("Rail border crossing")
    POSTAL_HUB = "postal_hub", _l("Postal or express hub")
    INLAND = "inland", _l("Inland (warehouse, road check, premises)")
    FREE_ZONE = "free_zone", _l("Free zone")
    AT_SEA = "at_sea", _l("At sea")
    ONLINE = "online", _l("Online")


class DetectionMethod(LabelledEnum):
    """How the goods were found (not a CIS field; DOMAIN.md c.1 explains why the planner adds it)."""

    RISK_PROFILE = "risk_profile", _l("Risk profile or selection")
    INTELLIGENCE = "intelligence", _l("Intelligence or tip-off")
    SCANNER = "scanner", _l("X-ray or scanner")
    DETECTOR_DOG = "detector_dog", _l("Detector dog")
    RANDOM = "random", _l("Random check")
    DOCUMENT_CHECK = "document_check", _l("Document check")
    MOBILE_UNIT = "mobile_unit", _l("Mobile unit or patrol")
    OTHER = "other", _l("Other")


class SelectionBasis(LabelledEnum):
    """Why a consignment, vehicle or person was selected for a control."""

    RISK_PROFILE = "risk_profile", _l("Risk profile")
    INTELLIGENCE = "intelligence", _l("Intelligence")
    RANDOM = "random", _l("Random")
    OTHER = "other", _l("Other")


class Equipment(LabelledEnum):
    """Equipment or means a participant deploys in an operation, or used in a control."""

    SCANNER = "scanner", _l("X-ray scanner (fixed or mobile)")
    DETECTOR_DOG = "detector_dog", _l("Detector dog")
    MOBILE_UNIT = "mobile_unit", _l("Mobile unit")
    THERMAL_IMAGER = "thermal_imager", _l("Thermal imager")
    DENSITY_METER = "density_meter", _l("Density meter or buster")
    ENDOSCOPE = "endoscope", _l("Endoscope or fibrescope")
    TRACE_DETECTOR = "trace_detector", _l("Trace detector (drugs, explosives)")
    SPECTROMETER = "spectrometer", _l("Handheld spectrometer or field test kit")
    RADIATION_DETECTOR = "radiation_detector", _l("Radiation detector")
    NUMBER_PLATE_READER = "number_plate_reader", _l("Number-plate reader (ANPR)")
    PATROL_VESSEL = "patrol_vessel", _l("Patrol vessel")
    AIRCRAFT = "aircraft", _l("Aircraft or drone")
    OTHER = "other", _l("Other")


FIXED_VOCABULARIES = {
    TRANSPORT_MODE: TransportMode,
    LOCATION_TYPE: LocationType,
    DETECTION_METHOD: DetectionMethod,
    SELECTION_BASIS: SelectionBasis,
    EQUIPMENT: Equipment,
}

FIXED_VOCABULARY_LABELS = {
    TRANSPORT_MODE: _l("Transport modes"),
    LOCATION_TYPE: _l("Location types"),
    DETECTION_METHOD: _l("Detection methods"),
    SELECTION_BASIS: _l("Selection basis of controls"),
    EQUIPMENT: _l("Equipment"),
}

# Admin-managed vocabularies (rows in VocabularyTerm). Types have their category as parent.
MANAGED_VOCABULARIES = (COMMODITY_CATEGORY, COMMODITY_TYPE, CONCEALMENT_METHOD)
MANAGED_VOCABULARY_LABELS = {
    COMMODITY_CATEGORY: _l("Commodity categories"),
    COMMODITY_TYPE: _l("Commodity types"),
    CONCEALMENT_METHOD: _l("Concealment methods"),
}

# Seed: (category code, label, [(type code, label), …]). Counterfeit is a flag on an item (DESIGN.md 2c):
# counterfeit cigarettes are category "cigarettes" with the flag; "counterfeit" is for goods no other category names.
COMMODITY_CATEGORIES = [
    ("drugs", _l("Drugs"), [
        ("cocaine", _l("Cocaine")),
        ("heroin", _l("Heroin and other opioids")),
        ("cannabis", _l("Cannabis (herbal, resin, plants)")),
        ("synthetic_drugs", _l("Synthetic drugs (amphetamine, methamphetamine, MDMA)")),
        ("nps", _l("New psychoactive substances")),
        ("khat", _l("Khat")),
        ("other", _l("Other drugs")),
    ]),
    ("cigarettes", _l("Cigarettes"), [
        ("cigarettes", _l("Cigarettes")),
    ]),
    ("tobacco", _l("Other tobacco products"), [
        ("raw_tobacco", _l("Raw tobacco (leaves, strips)")),
        ("hand_rolling", _l("Fine-cut tobacco for rolling")),
        ("water_pipe", _l("Water-pipe tobacco")),
        ("cigars", _l("Cigars and cigarillos")),
        ("heated_tobacco", _l("Heated tobacco products")),
        ("e_liquids", _l("E-cigarettes and e-liquids")),
        ("other", _l("Other tobacco products")),
    ]),
    ("alcohol", _l("Alcohol"), [
        ("spirits", _l("Spirits")),
        ("beer", _l("Beer")),
        ("wine", _l("Wine")),
        ("ethanol", _l("Ethyl alcohol (ethanol)")),
        ("other", _l("Other alcoholic beverages")),
    ]),
    ("fuel", _l("Mineral oil and fuel"), [
        ("diesel", _l("Diesel")),
        ("petrol", _l("Petrol")),
        ("heating_oil", _l("Heating oil")),
        ("lubricants", _l("Lubricants")),
        ("other", _l("Other mineral oils")),
    ]),
    ("counterfeit", _l("Counterfeit goods (IPR)"), [
        ("clothing", _l("Clothing and footwear")),
        ("accessories", _l("Bags, watches and accessories")),
        ("electronics", _l("Electrical and electronic goods")),
        ("toys", _l("Toys and games")),
        ("cosmetics", _l("Perfumes and cosmetics")),
        ("car_parts", _l("Car parts")),
        ("food", _l("Foodstuffs and beverages")),
        ("other", _l("Other counterfeit goods")),
    ]),
    ("medicines", _l("Medicines and doping"), [
        ("falsified_medicines", _l("Falsified medicines")),
        ("unauthorised_medicines", _l("Unauthorised medicines")),
        ("doping", _l("Doping substances")),
        ("medical_devices", _l("Medical devices")),
        ("other", _l("Other medicines")),
    ]),
    ("pesticides", _l("Pesticides"), [
        ("illegal_pesticides", _l("Illegal pesticides")),
        ("counterfeit_pesticides", _l("Counterfeit pesticides")),
        ("other", _l("Other pesticides")),
    ]),
    ("waste", _l("Waste"), [
        ("plastic", _l("Plastic waste")),
        ("e_waste", _l("Electrical and electronic waste")),
        ("end_of_life_vehicles", _l("End-of-life vehicles and parts")),
        ("metal", _l("Metal scrap")),
        ("hazardous", _l("Hazardous waste")),
        ("textiles", _l("Textile waste")),
        ("other", _l("Other waste")),
    ]),
    ("ods", _l("Ozone-depleting substances and F-gases"), [
        ("hfc", _l("Hydrofluorocarbons (HFC)")),
        ("hcfc", _l("Hydrochlorofluorocarbons (HCFC)")),
        ("cfc", _l("Chlorofluorocarbons (CFC)")),
        ("equipment", _l("Equipment containing ODS or F-gases")),
        ("other", _l("Other ODS or F-gases")),
    ]),
    ("cites", _l("Wildlife (CITES)"), [
        ("live_animals", _l("Live animals")),
        ("ivory", _l("Ivory")),
        ("glass_eels", _l("Glass eels")),
        ("timber", _l("Timber")),
        ("plants", _l("Plants")),
        ("animal_products", _l("Other animal products")),
        ("other", _l("Other CITES specimens")),
    ]),
    ("cultural_goods", _l("Cultural goods"), [
        ("archaeological", _l("Archaeological objects")),
        ("artworks", _l("Artworks")),
        ("manuscripts_books", _l("Manuscripts and books")),
        ("coins", _l("Coins and medals")),
        ("other", _l("Other cultural goods")),
    ]),
    ("weapons", _l("Weapons and ammunition"), [
        ("firearms", _l("Firearms")),
        ("firearm_parts", _l("Firearm parts and components")),
        ("ammunition", _l("Ammunition")),
        ("explosives", _l("Explosives and pyrotechnics")),
        ("other", _l("Other weapons")),
    ]),
    ("dual_use", _l("Strategic and dual-use goods"), [
        ("dual_use_items", _l("Dual-use items")),
        ("military_goods", _l("Military goods")),
        ("sanctioned_goods", _l("Goods under sanctions")),
        ("other", _l("Other strategic goods")),
    ]),
    ("precursors", _l("Drug and explosives precursors"), [
        ("drug_precursors", _l("Drug precursors")),
        ("pre_precursors", _l("Designer and pre-precursors")),
        ("explosives_precursors", _l("Explosives precursors")),
        ("other", _l("Other precursors")),
    ]),
    ("cash", _l("Cash"), [
        ("banknotes", _l("Banknotes and coins")),
        ("bearer_negotiable_instruments", _l("Bearer-negotiable instruments")),
        ("gold", _l("Gold and other commodities used as highly liquid stores of value")),
        ("prepaid_cards", _l("Prepaid cards")),
        ("other", _l("Other cash")),
    ]),
    ("other", _l("Other goods"), [
        ("other", _l("Other goods")),
    ]),
]

# Seed of concealment methods, from published cases (DOMAIN.md c.4).
CONCEALMENT_METHODS = [
    ("cover_load", _l("Cover load")),
    ("built_in_compartment", _l("Built-in compartment (double wall, floor, tank)")),
    ("misdeclaration", _l("Misdeclaration")),
    ("body_baggage", _l("On the body or in baggage")),
    ("rip_on_rip_off", _l("Rip-on/rip-off (container)")),
    ("vehicle_manipulation", _l("Vehicle manipulation (fuel tank, plates, structure)")),
    ("refrigeration_unit", _l("Refrigeration unit")),
    ("hull_sea_chest", _l("Hull, sea chest or torpedo under the hull")),
    ("drop_off_at_sea", _l("Drop-off at sea")),
    ("crew_smuggling", _l("Crew smuggling")),
    ("ingestion", _l("Swallowed or inserted (body packing)")),
    ("postal_parcel", _l("Postal or express parcel")),
    ("split_consignment", _l("Split into small consignments")),
    ("inside_goods", _l("Inside goods (books, DVD cases, food, machinery)")),
    ("balloons_drones", _l("Balloons or drones")),
    ("no_concealment", _l("Not concealed")),
    ("other", _l("Other")),
]


def source_text(label) -> str:
    """The English source text (msgid) of a lazy_gettext label, whatever the current locale: what the seed stores
    in VocabularyTerm.label, so that gettext(label) still translates a label nobody has renamed."""
    args = getattr(label, "_args", None)
    if args and isinstance(args[0], str):
        return args[0]
    return str(label)
