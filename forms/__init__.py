"""Input validation with WTForms: lazy labels, explicit messages (WTForms ships no Kyrgyz),
no database writes. Forms hand plain dicts to the services through ``to_dict()``."""
