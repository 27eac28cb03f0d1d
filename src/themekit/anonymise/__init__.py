"""Anonymisation: turning interview text into text that can leave the project.

The pieces, in the order a text meets them:

``register``   the researcher's ``redact.yaml``: people, places, sites, organisations and
               custom terms with their aliases, an allow-list, placeholder templates and
               NER / pattern settings (``load_register``).
``detect``     what to replace in one text: register terms first, then shaped identifiers
               (``patterns``: e-mail, URL, NHS number, phone, postcode), then spaCy NER
               (``ner``) as a safety net, with the allow-list keeping public names.
``replace``    ``Anonymiser``: consistent placeholders across the project through a
               persisted ``PseudonymMap`` ("[Person 1]" is always the same person), and
               the list of replacements for a preview; ``pseudonym_key_rows`` for the key.
``gate``       ``check_leaks``: the last check on final text; a registered term in it is a
               ``LeakError`` naming where, and which register line, never the term.

Everything here transforms strings; nothing reads or writes the project store, and
spaCy is imported only when NER first runs. See docs/anonymisation.md.
"""

from themekit.anonymise.detect import Detection, detect, find_register_terms
from themekit.anonymise.gate import LeakFinding, RegisteredTermLeak, check_leaks, find_leaks
from themekit.anonymise.ner import (
    NerBackend,
    SpacyNer,
    entities_cached,
    load_spacy_ner,
    ner_cache_key,
)
from themekit.anonymise.patterns import PatternHit, find_patterns, is_valid_nhs_number
from themekit.anonymise.pseudonyms import Pseudonym, PseudonymMap
from themekit.anonymise.register import (
    REGISTER_FILENAME,
    NerSettings,
    PatternSettings,
    Register,
    RegisterEntry,
    load_register,
    parse_register,
)
from themekit.anonymise.replace import (
    AnonymisedText,
    Anonymiser,
    KeyRow,
    Replacement,
    pseudonym_key_rows,
)

__all__ = [
    "REGISTER_FILENAME",
    "AnonymisedText",
    "Anonymiser",
    "Detection",
    "KeyRow",
    "LeakFinding",
    "NerBackend",
    "NerSettings",
    "PatternHit",
    "PatternSettings",
    "Pseudonym",
    "PseudonymMap",
    "Register",
    "RegisterEntry",
    "RegisteredTermLeak",
    "Replacement",
    "SpacyNer",
    "check_leaks",
    "detect",
    "entities_cached",
    "find_leaks",
    "find_patterns",
    "find_register_terms",
    "is_valid_nhs_number",
    "load_register",
    "load_spacy_ner",
    "ner_cache_key",
    "parse_register",
    "pseudonym_key_rows",
]
