"""The article body's blocks: paragraph, 小見出し, image, quote, embed and page break."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = "小見出し"
        form_classname = "title"
        template = "news/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="画像")
    caption = blocks.CharBlock(label="キャプション", required=False, max_length=300)
    alt = blocks.CharBlock(
        label="代替テキスト", required=False, max_length=255, help_text="空なら画像の設定を使います"
    )

    class Meta:
        icon = "image"
        label = "画像"
        template = "news/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="引用")
    attribution = blocks.CharBlock(label="出典・発言者", required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "引用"
        template = "news/blocks/quote.html"


class EmbedWithCaptionBlock(blocks.StructBlock):
    embed = EmbedBlock(label="URL")
    caption = blocks.CharBlock(label="キャプション", required=False, max_length=300)

    class Meta:
        icon = "media"
        label = "埋め込み"
        template = "news/blocks/embed.html"


class PageBreakBlock(blocks.StaticBlock):
    """Splits a long article into pages (次のページ). Rendered as nothing; the page splits on it."""

    class Meta:
        icon = "horizontalrule"
        label = "改ページ"
        admin_text = "ここで次のページに分かれます"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label="段落", features=PARAGRAPH_FEATURES, template="news/blocks/paragraph.html"
    )
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedWithCaptionBlock()
    page_break = PageBreakBlock()

    class Meta:
        block_counts = {"page_break": {"max_num": 20}}
