"""Static files as production serves them: hashed names, gzip and brotli beside each file."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage as _Whitenoise


class CompressedManifestStaticFilesStorage(_Whitenoise):
    """Whitenoise's storage, forgiving at render time.

    A page that links a static file missing from the manifest (collected before the file was
    added) gets the unhashed address, which whitenoise still serves from the app folders,
    instead of failing with a server error for every customer.
    """

    manifest_strict = False
