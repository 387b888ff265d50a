"""Injury and occupation code sets, kept as small Python data modules.

Python modules rather than CSV/JSON files so the data ships with the package
whatever packaging configuration is used (no package-data rules to forget).
"""

from alongside.core.codes.icd10 import (
    INJURY_CATEGORIES,
    icd10_title,
    injury_category_for_icd10,
    list_icd10_codes,
    validate_icd10,
)
from alongside.core.codes.injury import (
    AMPUTATION_SITES,
    ASIA_GRADES,
    SCI_LEVELS,
    TBI_SEVERITIES,
    AmputationSite,
    amputation_site,
    sci_level_distance,
    tbi_severity_from_gcs,
    validate_asia_grade,
    validate_sci_level,
    validate_tbi_severity,
)
from alongside.core.codes.occupations import (
    ANZSCO,
    CLASSIFICATIONS,
    ISCO08,
    SOC2020,
    OccupationClassification,
    classification,
)

__all__ = [
    "AMPUTATION_SITES",
    "ANZSCO",
    "ASIA_GRADES",
    "CLASSIFICATIONS",
    "INJURY_CATEGORIES",
    "ISCO08",
    "SCI_LEVELS",
    "SOC2020",
    "TBI_SEVERITIES",
    "AmputationSite",
    "OccupationClassification",
    "amputation_site",
    "classification",
    "icd10_title",
    "injury_category_for_icd10",
    "list_icd10_codes",
    "sci_level_distance",
    "tbi_severity_from_gcs",
    "validate_asia_grade",
    "validate_icd10",
    "validate_sci_level",
    "validate_tbi_severity",
]
