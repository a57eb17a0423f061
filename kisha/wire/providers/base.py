"""The one small interface every wire format provider implements.

A provider turns the bytes of one document into :class:`WireEntry` values. Entries are plain,
frozen values so that ingest (which keys on ``guid`` and ``version``) can compare, log and
retry them without touching the source again. Format quirks stay inside each provider module;
everything after ``parse()`` sees the same shape whatever the agency sent.
"""

from __future__ import annotations

import abc
import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar, Literal, NamedTuple

from kisha.wire.errors import WireFormatError  # re-exported: callers import it from here

PubStatus = Literal["usable", "withheld", "canceled"]
PUBSTATUSES: frozenset[str] = frozenset({"usable", "withheld", "canceled"})

# Field caps: a wire item beyond these is a broken or hostile feed, not journalism. The entry is
# rejected with a reason rather than silently cut, so nothing is half-ingested.
MAX_GUID = 1_000
MAX_HEADLINE = 1_000
MAX_SUMMARY = 20_000
MAX_BYLINE = 1_000
MAX_BODY = 2_000_000
MAX_URL = 4_000
MAX_RIGHTS = 1_000
MAX_SUBJECTS = 500
MAX_IMAGES = 200
# A whole document larger than this is refused before parsing (the fetcher's default cap is
# 10 MB, so this only bites when bytes arrive some other way).
MAX_DOCUMENT_BYTES = 50_000_000


class EntryInvalid(ValueError):
    """One entry is unusable; providers turn this into an :class:`EntryError` and go on."""


class Subject(NamedTuple):
    """A subject for category mapping: a code (qcode, URI, term) or, lacking one, a name."""

    code: str
    label: str


@dataclass(frozen=True, slots=True)
class WireImage:
    """An image that travels with an entry; only http(s) URLs are kept. Its own rights (ninjs
    association copyrightnotice/usageterms, NewsML 1.2 RightsMetadata of its component, Media
    RSS copyright/license) go with it to the picture row and the downloaded image."""

    url: str
    caption: str = ""
    credit: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""

    def __post_init__(self) -> None:
        # The caps of WirePictureEntry: an image's rights beyond them refuse its entry, with the
        # reason, rather than reach the desk cut (a cut usage term may lose its restriction).
        _check_rights("copyright notice", "著作権表示", self.copyright_notice, MAX_RIGHTS)
        _check_rights("usage terms", "利用条件", self.usage_terms, MAX_SUMMARY)


@dataclass(frozen=True, slots=True)
class WireEntry:
    """One wire item, normalised across formats.

    ``version`` only orders versions of the same ``guid`` from the same source: it is the
    agency's own version number where the format has one, else the epoch seconds of the
    item's update time (feeds, ninjs without ``version``), else 1.
    ``subjects`` and ``images`` are tuples so the value stays immutable and hashable.
    """

    guid: str
    version: int
    headline: str
    format: str
    body_html: str = ""
    summary: str = ""
    byline: str = ""
    language: str = ""
    pubstatus: PubStatus = "usable"
    urgency: int | None = None
    subjects: tuple[Subject, ...] = ()
    firstcreated: dt.datetime | None = None
    versioncreated: dt.datetime | None = None
    embargoed: dt.datetime | None = None
    link: str = ""
    images: tuple[WireImage, ...] = ()
    # The agency's rights statement (G2 rightsInfo, ninjs copyrightholder/copyrightnotice/
    # usageterms, NewsML 1.2 RightsMetadata): shown on the desk, carried into the draft's credit.
    copyright_holder: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""

    def __post_init__(self) -> None:
        # Validation lives here once, so every provider enforces the same limits.
        _check_text("guid", self.guid, MAX_GUID, required=True)
        _check_text("headline", self.headline, MAX_HEADLINE, required=True)
        _check_text("body", self.body_html, MAX_BODY)
        _check_text("summary", self.summary, MAX_SUMMARY)
        _check_text("byline", self.byline, MAX_BYLINE)
        _check_text("link", self.link, MAX_URL)
        _check_text("language", self.language, 64)
        _check_text("copyright holder", self.copyright_holder, MAX_RIGHTS)
        _check_text("copyright notice", self.copyright_notice, MAX_RIGHTS)
        _check_text("usage terms", self.usage_terms, MAX_SUMMARY)
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise EntryInvalid(f"version must be an integer, got {self.version!r}")
        if self.version < 0:
            raise EntryInvalid(f"version must not be negative, got {self.version}")
        if self.pubstatus not in PUBSTATUSES:
            raise EntryInvalid(f"unknown pubstatus {self.pubstatus!r}")
        if self.urgency is not None and not (1 <= self.urgency <= 9):
            raise EntryInvalid(f"urgency must be 1-9, got {self.urgency!r}")
        for name in ("firstcreated", "versioncreated", "embargoed"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                raise EntryInvalid(f"{name} must be timezone-aware")
        if len(self.subjects) > MAX_SUBJECTS:
            raise EntryInvalid(f"too many subjects ({len(self.subjects)} > {MAX_SUBJECTS})")
        if len(self.images) > MAX_IMAGES:
            raise EntryInvalid(f"too many images ({len(self.images)} > {MAX_IMAGES})")


@dataclass(frozen=True, slots=True)
class WirePictureEntry:
    """A picture item (G2 newsItem of class picture, ninjs ``type: picture``): kept so that a
    package can show it with its story, in the package's order. ``url`` is the best rendition."""

    guid: str
    version: int
    url: str
    caption: str = ""
    credit: str = ""
    pubstatus: PubStatus = "usable"
    # The picture's own rights (G2 rightsInfo, ninjs copyrightnotice/usageterms), shown with it
    # on the item view and told to the editor who makes the draft.
    copyright_notice: str = ""
    usage_terms: str = ""

    def __post_init__(self) -> None:
        _check_text("guid", self.guid, MAX_GUID, required=True)
        _check_text("url", self.url, MAX_URL, required=True)
        _check_text("caption", self.caption, MAX_SUMMARY)
        _check_text("credit", self.credit, MAX_BYLINE)
        _check_text("copyright notice", self.copyright_notice, MAX_RIGHTS)
        _check_text("usage terms", self.usage_terms, MAX_SUMMARY)
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 0:
            raise EntryInvalid(f"version must be a non-negative integer, got {self.version!r}")
        if self.pubstatus not in PUBSTATUSES:
            raise EntryInvalid(f"unknown pubstatus {self.pubstatus!r}")


MAX_PACKAGE_MEMBERS = 500
# "package": another package item (G2 itemRef of class composite), expanded at ingest.
MemberKind = Literal["text", "picture", "package", ""]


class PackageMember(NamedTuple):
    """One item a package refers to; ``kind`` is '' when the package does not say. ``via`` is
    set at ingest, not by providers: the guid of the member package this member was expanded
    from ('' when the package names it itself), so a later version of that inner package can
    replace exactly its part of the story."""

    guid: str
    kind: MemberKind
    via: str = ""


@dataclass(frozen=True, slots=True)
class WirePackageEntry:
    """A package (G2 packageItem, ninjs associations by reference): the story is its first text
    member, its pictures the picture members in order. Members may arrive before or after it."""

    guid: str
    version: int
    headline: str
    members: tuple[PackageMember, ...]
    pubstatus: PubStatus = "usable"
    format: str = ""

    def __post_init__(self) -> None:
        _check_text("guid", self.guid, MAX_GUID, required=True)
        _check_text("headline", self.headline, MAX_HEADLINE)
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 0:
            raise EntryInvalid(f"version must be a non-negative integer, got {self.version!r}")
        if self.pubstatus not in PUBSTATUSES:
            raise EntryInvalid(f"unknown pubstatus {self.pubstatus!r}")
        if not self.members:
            raise EntryInvalid("the package has no members")
        if len(self.members) > MAX_PACKAGE_MEMBERS:
            raise EntryInvalid(
                f"too many package members ({len(self.members)} > {MAX_PACKAGE_MEMBERS})"
            )
        for member in self.members:
            _check_text("member guid", member.guid, MAX_GUID, required=True)
            if member.guid == self.guid:
                raise EntryInvalid(
                    "the package references itself / パッケージが自分自身を参照しています"
                )
        # A member package may carry the story (it is expanded at ingest).
        if not any(member.kind in ("text", "", "package") for member in self.members):
            raise EntryInvalid("the package has no text member, so there is no story to show")


@dataclass(frozen=True, slots=True)
class EntryError:
    """Why one entry of a document was skipped; ``position`` is its 0-based index."""

    position: int
    guid: str
    message: str

    def __str__(self) -> str:
        where = f"entry {self.position}" + (f" ({self.guid})" if self.guid else "")
        return f"{where}: {self.message}"


@dataclass(slots=True)
class ParseResult:
    """Entries that parsed, and the reasons the others did not."""

    entries: list[WireEntry] = field(default_factory=list)
    errors: list[EntryError] = field(default_factory=list)
    # Pictures and packages, for formats that send them (G2, ninjs); other providers leave these
    # empty and ingest never looks further.
    pictures: list[WirePictureEntry] = field(default_factory=list)
    packages: list[WirePackageEntry] = field(default_factory=list)


class WireProvider(abc.ABC):
    """Base class for format providers, in the shape of Django's pluggable back ends.

    Subclasses set ``name`` and ``content_types`` and implement :meth:`parse_document`; the
    public :meth:`parse` adds the checks every format needs.
    """

    name: ClassVar[str]
    content_types: ClassVar[tuple[str, ...]] = ()
    # Where the document came from, for resolving relative links; set by parse(). Kept on the
    # (per-call) instance rather than in parse_document's signature so that providers written
    # before it existed keep working.
    base_url: str | None = None

    def parse(
        self, data: bytes, *, content_type: str | None = None, base_url: str | None = None
    ) -> ParseResult:
        """Parse one document; raise :class:`WireFormatError` if it cannot be read at all.

        ``base_url`` (the URL the document was fetched from) resolves relative item links.
        """
        self.base_url = base_url
        if not isinstance(data, bytes | bytearray | memoryview):
            raise WireFormatError(f"{self.name}: expected bytes, got {type(data).__name__}")
        data = bytes(data)
        if not data.strip():
            raise WireFormatError(f"{self.name}: the document is empty")
        if len(data) > MAX_DOCUMENT_BYTES:
            raise WireFormatError(
                f"{self.name}: document is {len(data)} bytes, over the {MAX_DOCUMENT_BYTES} cap"
            )
        return self.parse_document(data, content_type=content_type)

    @abc.abstractmethod
    def parse_document(self, data: bytes, *, content_type: str | None) -> ParseResult:
        """Format-specific parsing of a non-empty document within the size cap."""

    def accepts(self, content_type: str | None) -> bool:
        """Whether a ``Content-Type`` header names one of this provider's media types."""
        if not content_type:
            return False
        media_type = content_type.split(";", 1)[0].strip().lower()
        return media_type in self.content_types


def _check_text(name: str, value: object, limit: int, *, required: bool = False) -> None:
    if not isinstance(value, str):
        raise EntryInvalid(f"{name} must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise EntryInvalid(f"{name} is missing or empty")
    if len(value) > limit:
        raise EntryInvalid(f"{name} is too long ({len(value)} > {limit} characters)")


def _check_rights(name: str, label: str, value: object, limit: int) -> None:
    """_check_text for an embedded picture's rights, saying in Japanese too which one failed."""
    if not isinstance(value, str):
        raise EntryInvalid(
            f"picture {name} must be text, got {type(value).__name__} / 写真の{label}が文字列ではありません"
        )
    if len(value) > limit:
        raise EntryInvalid(
            f"picture {name} is too long ({len(value)} > {limit} characters)"
            f" / 写真の{label}が長すぎます({limit:,}字まで)"
        )
