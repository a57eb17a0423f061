"""An image's rights travel with it through Wagtail's image chooser.

The chooser widget (an image field in any edit form, a StreamField image block) and the
chooser modal's "chosen" answer describe an image as a small dict (id, title, preview, alt
text) that the widget's template and its script draw. Adding the image's 利用条件 and 著作権表示
to that dict lets the widget show them under the chosen image, whether the editor opens an
article that has the image or picks one in the modal (`image-chooser-rights.js` draws them on
Wagtail's redraw). Wagtail 7/8 name these methods; installed once, at start-up
(CoreConfig.ready), like kisha.core.choosers.
"""

from __future__ import annotations

from wagtail.images.views.chooser import ImageChosenResponseMixin
from wagtail.images.widgets import AdminImageChooser

_value_data = AdminImageChooser.get_value_data_from_instance
_context = AdminImageChooser.get_context
_chosen_data = ImageChosenResponseMixin.get_chosen_response_data


def image_rights_data(image) -> dict[str, str]:
    return {
        "usage_terms": getattr(image, "usage_terms", "") or "",
        "copyright_notice": getattr(image, "copyright_notice", "") or "",
    }


def get_value_data_from_instance(self, instance):
    return {**_value_data(self, instance), **image_rights_data(instance)}


def get_context(self, name, value_data, attrs):
    context = _context(self, name, value_data, attrs)
    context["usage_terms"] = value_data.get("usage_terms", "")
    context["copyright_notice"] = value_data.get("copyright_notice", "")
    return context


def get_chosen_response_data(self, image, *args, **kwargs):
    return {**_chosen_data(self, image, *args, **kwargs), **image_rights_data(image)}


def image_choosers_show_rights() -> None:
    AdminImageChooser.get_value_data_from_instance = get_value_data_from_instance
    AdminImageChooser.get_context = get_context
    ImageChosenResponseMixin.get_chosen_response_data = get_chosen_response_data
