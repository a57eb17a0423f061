"""The demo's wire source (kisha.demo.activity feeds it a fictional ninjs batch): disabled, since
there is nothing to poll, with one subject code per section. Idempotent."""

from __future__ import annotations

from .models import WireSource, WireSubjectMapping


def wire_demo_source(*, name: str, credit: str, sections: dict, default_section) -> WireSource:
    """The source called `name`, created on the first call with a subject mapping from each
    section's slug to the section; later calls return it unchanged."""
    source, created = WireSource.objects.get_or_create(
        name=name,
        defaults={
            "format": "ninjs",
            "enabled": False,  # nothing to poll: the demo's batch is all it ever gets
            "credit": credit,
            "default_section": default_section,
        },
    )
    if created:
        for slug, section in sections.items():
            WireSubjectMapping.objects.create(source=source, code=slug, section=section)
    return source
