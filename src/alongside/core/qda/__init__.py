"""Qualitative analysis for the service evaluation: REFI-QDA exchange, transcripts, agreement.

Pure Python (no Django): the evaluation app turns its models into these
values and back. Submodules: ``transcripts`` (import), ``deidentify``,
``units`` (inter-coder agreement), ``cooccurrence``.
"""

from alongside.core.qda.exchange import (
    project_xml,
    read_codebook,
    read_qdc,
    read_qdpx,
    validate_codebook_xml,
    validate_project_xml,
    write_qdc,
    write_qdpx,
)
from alongside.core.qda.project import (
    QdaCode,
    QdaCoding,
    QdaError,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    QdaUser,
)

__all__ = [
    "QdaCode",
    "QdaCoding",
    "QdaError",
    "QdaNote",
    "QdaProject",
    "QdaSelection",
    "QdaSet",
    "QdaSource",
    "QdaUser",
    "project_xml",
    "read_codebook",
    "read_qdc",
    "read_qdpx",
    "validate_codebook_xml",
    "validate_project_xml",
    "write_qdc",
    "write_qdpx",
]
