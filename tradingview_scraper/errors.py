"""The one exception tree of the package.

::

    MetaPipelineError                      base; the CLI maps it to exit code 3
     ├── ManifestError (ValueError)        configs/manifest.json is missing, malformed or invalid
     ├── InfeasibleBoundsError (ValueError) sleeve bounds admit no fully invested portfolio
     ├── RunIdError (ValueError)           a run id that is not a plain name (path, "..", ...)
     ├── MissingArtifactError (FileNotFoundError)  a run, returns file or weights file is absent
     ├── ArtifactFormatError (ValueError)  a file exists but cannot be parsed or has the wrong shape
     │    ├── UnsafeArtifactError          a pickle that asks for anything but pandas/numpy data
     │    └── LedgerError                  a malformed audit.jsonl line
     ├── ReturnsDataError (ValueError)     return values break the contract (dup dates, inf, < -1,
     │                                     zero variance)
     ├── CalendarError (ValueError)        empty intersection or too few common rows
     ├── HealthVetoError                   vetoes left fewer sleeves than min_sleeves
     ├── OptimizationError                 a solver did not converge or gave a non-finite result
     ├── ConservationError                 flattened weights do not conserve the net exposure
     ├── OverwriteRefusedError (FileExistsError)  the meta run folder exists and --overwrite is off
     └── HarnessError                      golden harness problems (fixtures, goldens, git)

Every message says what was wrong, where (file, profile, sleeve, field) and what was expected.
"""

from __future__ import annotations


class MetaPipelineError(Exception):
    """Base class: bad input or a violated contract (exit code 3)."""


class ManifestError(MetaPipelineError, ValueError):
    """The manifest is missing, not JSON, or breaks the schema."""


class InfeasibleBoundsError(MetaPipelineError, ValueError):
    """Bounds admit no weights with lo <= w <= hi and sum w = 1."""


class RunIdError(MetaPipelineError, ValueError):
    """A run id that is not of the form ^[A-Za-z0-9][A-Za-z0-9_.-]*$."""


class MissingArtifactError(MetaPipelineError, FileNotFoundError):
    """A run folder or a file inside it does not exist."""


class ArtifactFormatError(MetaPipelineError, ValueError):
    """A file exists but cannot be parsed, or holds the wrong type."""


class UnsafeArtifactError(ArtifactFormatError):
    """A pickle that would import something outside the allow-list."""


class LedgerError(ArtifactFormatError):
    """A malformed line in a run's audit.jsonl."""


class ReturnsDataError(MetaPipelineError, ValueError):
    """Return values that break the contract."""


class CalendarError(MetaPipelineError, ValueError):
    """The sleeves' calendars do not give enough common dates."""


class HealthVetoError(MetaPipelineError):
    """Too few sleeves passed the health guardrail."""


class OptimizationError(MetaPipelineError):
    """A solver failed: no convergence or a non-finite result."""


class ConservationError(MetaPipelineError):
    """Flattening lost or created net exposure."""


class OverwriteRefusedError(MetaPipelineError, FileExistsError):
    """The meta run folder exists and overwriting was not asked for."""


class HarnessError(MetaPipelineError):
    """Golden harness problem: bad fixture case, missing git revision, ..."""


ERROR_TYPES: dict[str, type[MetaPipelineError]] = {
    cls.__name__: cls
    for cls in (
        MetaPipelineError,
        ManifestError,
        InfeasibleBoundsError,
        RunIdError,
        MissingArtifactError,
        ArtifactFormatError,
        UnsafeArtifactError,
        LedgerError,
        ReturnsDataError,
        CalendarError,
        HealthVetoError,
        OptimizationError,
        ConservationError,
        OverwriteRefusedError,
        HarnessError,
    )
}
