"""Vocabularies: countries, places (UN/LOCODE), commodity categories and types, concealment methods, transport
modes, location types, detection methods, selection basis, equipment, units and HS codes.

What other features call to validate their input:
- planner.vocab.queries: is_valid(name, code, parent=None), term_error(...), types_of(category), vocabulary(name),
  choices(name), label_of(...), codes_of(...), place_by_code(code), place_error(code, country=None)
- planner.vocab.codes: vocabulary names (COMMODITY_CATEGORY, …) and the fixed enums (TransportMode, LocationType, …)
- planner.vocab.units: normalise(value, unit), parse_quantity(text), unit_for(code), UNITS
- planner.vocab.hs: validate_hs_code(code), hs_code_error(code), hs_description(code)
- planner.vocab.countries: normalise_country(code), is_country(code), country_name(code)
"""
