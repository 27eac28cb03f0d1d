"""Anonymisation: turning interview text into text that can leave the project.

The pieces, in the order a text meets them:

``register``   the researcher's ``redact.yaml``: people, places, sites, organisations and
               custom terms with their aliases, an allow-list, placeholder templates and
               NER / pattern settings (``load_register``).
``detect``     what to replace in one text: register terms first (with the parts and
               nicknames of people's names), then shaped identifiers (``patterns``:
               e-mail, URL, NHS number, phone, postcode), then names after titles,
               spaCy NER (``ner``) and the first-name lists (``names``) as a safety
               net, with the allow-list and public acronyms keeping public names;
               capitalised words left in the text are counted for review.
``names``      name lists, words that are also names, nicknames and the context that
               makes a capitalised word a name ("said Grace", "Dr ...").
``replace``    ``Anonymiser``: consistent placeholders across the project through a
               persisted ``PseudonymMap`` ("[Person 1]" is always the same person), and
               the list of replacements for a preview; ``pseudonym_key_rows`` for the key.
``gate``       ``check_leaks``: the last check on final text; a registered term in it is a
               ``LeakError`` naming where, and which register line, never the term.

Everything here transforms strings; nothing reads or writes the project store, and
spaCy is imported only when NER first runs. See docs/anonymisation.md.
"""

from themekit.anonymise.detect import (
    PUBLIC_ACRONYMS,
    Candidate,
    Detection,
    detect,
    detect_with_candidates,
    find_register_terms,
)
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
    RegisterForm,
    load_register,
    parse_register,
)
from themekit.anonymise.replace import (
    AnonymisationSummary,
    AnonymisedText,
    Anonymiser,
    KeyRow,
    Replacement,
    pseudonym_key_rows,
)

__all__ = [
    "PUBLIC_ACRONYMS",
    "REGISTER_FILENAME",
    "AnonymisationSummary",
    "AnonymisedText",
    "Anonymiser",
    "Candidate",
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
    "RegisterForm",
    "RegisteredTermLeak",
    "Replacement",
    "SpacyNer",
    "check_leaks",
    "detect",
    "detect_with_candidates",
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
