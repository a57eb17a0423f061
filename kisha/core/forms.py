"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE), used by the add, edit and
multiple-upload views."""

from wagtail.images.forms import BaseImageForm

TOO_MANY_PIXELS = (
    "画像の画素数が多すぎます。幅×高さが%(max_pixels_count)s画素以下の画像にしてください"
    "(大きすぎる画像は、ファイルが小さくても表示用に展開するとサーバーのメモリーを使い切ります)。"
)


class KishaImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            # Wagtail's own wording shows "unknown number" when Pillow refuses the header.
            self.fields["file"].error_messages["file_too_many_pixels"] = TOO_MANY_PIXELS
