"""The demo site's vocabulary and sentence templates, written for Kisha.

Everything here is invented: the cities, companies, officials, experts, authors and photographers
are fictional, and no sentence is taken from real reporting. A few real names (金正恩, 習近平) and
words (非核化, 台風, 株価, spelling variants such as 引っ越し/引越し, half-width ｽﾏｰﾄﾌｫﾝ, ＡＩ/AI)
appear in neutral, analytical sentences because the Japanese search tests need them in the corpus.

Templates use `str.format` slots. The article writer (`writer.py`) picks one *cast* per article
(city, company, expert, official …) so the sentences of one story talk about the same people.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    short_label: str
    description: str


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    section: str
    description: str
    subject: str  # a noun phrase the generic sentences talk about
    headlines: tuple[str, ...]
    # One short headline per headline template, in the same order (filled with the same values).
    shorts: tuple[str, ...]
    leads: tuple[str, ...]
    facts: tuple[str, ...]
    headings: tuple[str, ...]
    english: tuple[str, ...]
    tags: tuple[str, ...]
    # (what was said, who said it: a template over the article's cast)
    quotes: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class AuthorSpec:
    slug: str
    name: str
    reading: str
    role: str
    bio: str
    sections: tuple[str, ...]


SITE_TITLE = "週刊キシャ"

SECTIONS: tuple[Section, ...] = (
    Section("world", "ワールド", "ワールド", "国際政治と世界の動きを現地から伝えます。"),
    Section("business", "ビジネス", "ビジネス", "企業、市場、金融政策。経済の今を読み解きます。"),
    Section("japan", "日本", "日本", "政治、社会、地域。日本の現場を歩いて伝えます。"),
    Section(
        "technology", "テクノロジー", "テック", "AI、半導体、通信。技術が変える社会を追います。"
    ),
    Section("culture", "カルチャー", "カルチャー", "映画、アニメ、本、暮らし。文化の新しい潮流。"),
    Section("sports", "スポーツ", "スポーツ", "競技の結果だけでなく、選手とチームの物語を。"),
    Section("science", "サイエンス", "サイエンス", "気候、宇宙、医療。科学の最前線をやさしく。"),
)

# --- The cast: fictional people, places and companies ---------------------------------------

CITIES = (
    "朝凪市",
    "七瀬市",
    "海鳴市",
    "白浜台町",
    "北渓村",
    "葉月町",
    "霧坂市",
    "青嶺市",
    "潮見町",
    "東雲市",
)
FOREIGN_CITIES = (
    "ヴェルダ",
    "ノルハイム",
    "サン・ロレンソ",
    "カルディナ",
    "ブレストン",
    "オルヴィク",
)
COMPANIES = (
    "暁光電機",
    "白鷺半導体",
    "翠嶺化学",
    "鳴海重工",
    "若葉システムズ",
    "千歳ロジスティクス",
    "東雲精密",
    "みなと通信",
    "青葉ホールディングス",
    "星川工業",
    "葵テクノロジーズ",
    "北斗モビリティ",
)
UNIVERSITIES = ("東都大学", "西京大学", "北陵大学", "湊学院大学", "桜台大学", "南洋総合研究所")
EXPERT_NAMES = (
    ("早瀬", "遼"),
    ("真壁", "綾乃"),
    ("篠宮", "修"),
    ("桐生", "梓"),
    ("日向", "慎一"),
    ("小野寺", "玲奈"),
    ("槙", "大輔"),
    ("宮城", "由紀"),
    ("栗原", "拓海"),
    ("上条", "千尋"),
)
EXPERT_TITLES = ("教授", "准教授", "主任研究員", "上席研究員")


def demo_proper_nouns() -> list[str]:
    """The cast's names that a line must never break inside (kisha.core.phrases)."""
    return [
        *CITIES,
        *FOREIGN_CITIES,
        *COMPANIES,
        *UNIVERSITIES,
        *(surname + given for surname, given in EXPERT_NAMES),
        *PHOTO_AGENCIES,
    ]


# Officials who comment, by the section of the story they appear in.
OFFICIALS: dict[str, tuple[tuple[str, str], ...]] = {
    "world": (
        ("マーク・ヘイデン", "米国務省報道官"),
        ("リンダ・オスボーン", "米国家安全保障会議の報道担当者"),
        ("アンナ・ベルク", "欧州委員会の報道官"),
    ),
    "business": (("瀬尾 みどり", "経済再生担当相"), ("ジョナス・ライト", "米財務省の高官")),
    "technology": (("瀬尾 みどり", "経済再生担当相"), ("高峰 誠", "内閣府の担当者")),
    "japan": (("黒川 直人", "官房副長官"), ("若林 秀樹", "国土交通省の担当者")),
    "science": (("高峰 誠", "内閣府の担当者"), ("若林 秀樹", "国土交通省の担当者")),
    "culture": (("宮坂 亮", "市の観光課長"),),
    "sports": (("宮坂 亮", "市のスポーツ振興課長"),),
}
RESIDENTS = (
    ("会社員", "30代"),
    ("自営業", "50代"),
    ("大学生", "20代"),
    ("パート勤務", "40代"),
    ("元教員", "70代"),
    ("農業", "60代"),
)

# --- Authors, agencies and photographers --------------------------------------------------

AUTHORS: tuple[AuthorSpec, ...] = (
    AuthorSpec(
        "saeki-mariko",
        "佐伯 真理子",
        "さえき まりこ",
        "編集部",
        "社会・地域取材を担当。防災と地方の暮らしを長く追っている。",
        ("japan", "science"),
    ),
    AuthorSpec(
        "kawabata-aoi",
        "川端 蒼",
        "かわばた あおい",
        "ワシントン特派員",
        "米外交と安全保障を取材。前任はソウル駐在。",
        ("world",),
    ),
    AuthorSpec(
        "morishita-keisuke",
        "森下 圭介",
        "もりした けいすけ",
        "経済部記者",
        "金融政策と市場を担当。元証券アナリスト。",
        ("business",),
    ),
    AuthorSpec(
        "fujishiro-haruka",
        "藤代 晴香",
        "ふじしろ はるか",
        "北京特派員",
        "中国の政治と経済、アジアの通商を取材している。",
        ("world", "business"),
    ),
    AuthorSpec(
        "takato-naoki",
        "高遠 直樹",
        "たかとう なおき",
        "テクノロジー担当",
        "半導体、AI、通信の現場を歩く。趣味は古いパソコンの修理。",
        ("technology",),
    ),
    AuthorSpec(
        "mizuno-nanami",
        "水野 七海",
        "みずの ななみ",
        "カルチャー担当",
        "映画とアニメ、出版の現場を取材。",
        ("culture",),
    ),
    AuthorSpec(
        "himuro-kengo",
        "氷室 健吾",
        "ひむろ けんご",
        "スポーツライター",
        "プロスポーツと地域クラブを取材して20年。",
        ("sports",),
    ),
    AuthorSpec(
        "hasebe-shiori",
        "長谷部 詩織",
        "はせべ しおり",
        "サイエンスライター",
        "気候と宇宙、医療をわかりやすく伝える。",
        ("science", "technology"),
    ),
)

# Foreign agencies carry an English original headline and author; Japanese ones are used in
# photo credits.
WIRE_AGENCIES = ("ロイター", "ロイター", "AP")
PHOTO_AGENCIES = ("ロイター", "共同通信", "AP", "時事通信", "週刊キシャ")
WIRE_WRITERS = (
    "Hannah Lindqvist",
    "David Okoro",
    "Sarah Whitfield",
    "Tom Reyes",
    "Mina Cho",
    "Jonas Berg",
    "Claire Dumont",
    "Ravi Menon",
)
PHOTOGRAPHERS = (
    "Daniel Hoffner",
    "Lena Marsh",
    "Paulo Mendes",
    "Ines Varga",
    "Sam Whitaker",
    "Yuki Asahina",
)
STAFF_PHOTOGRAPHERS = ("撮影・江藤 翔", "撮影・久住 葵", "撮影・牧 遥人")

# --- Generic sentences: background, reaction, analysis, outlook --------------------------------
# Slots: {subject} {city} {company} {company2} {expert} {expert_short} {official} {official_role}
# {num} {big} {pct} {day}

BACKGROUND = (
    "{subject}をめぐっては、ここ数年で議論の前提が大きく変わった。",
    "関係者によると、議論は{day}日に始まり、深夜まで続いたという。",
    "こうした動きの背景には、国内外の環境の急速な変化がある。",
    "{subject}が注目を集めるのは今回が初めてではない。",
    "統計によると、関連する指標は過去{num}年で最も高い水準にある。",
    "一方で、当初の計画から{num}カ月近く遅れている点を指摘する声もある。",
    "{company}は昨年、同様の取り組みで先行したものの、十分な成果は得られなかった。",
    "前回の議論では、費用の負担をめぐって調整が難航した経緯がある。",
)
REACTION = (
    "{official_role}の{official}氏は記者団に対し、「状況を注意深く見守っている」と述べた。",
    "{city}で取材に応じた{resident_age}の{resident_job}の男性は「生活への影響が心配だ」と話した。",
    "{city}に住む{resident_age}の{resident_job}の女性は「もっと丁寧な説明がほしい」と語った。",
    "市場関係者の間では、冷静な受け止めが広がっている。",
    "野党側は「説明が不十分だ」として、国会での集中審議を求めている。",
    "{company}の広報担当者は「現時点でコメントできることはない」としている。",
    "業界団体は声明で、今回の決定を「一定の前進」と評価した。",
    "SNS上では、賛否の両方の意見が相次いで投稿された。",
)
ANALYSIS = (
    "{expert}は「短期的な成果よりも、長期的な信頼の積み重ねが重要だ」と指摘する。",
    "{expert_short}によれば、同様の事例は海外でも少なくないという。",
    "専門家の多くは、影響が本格的に表れるのは来年以降とみている。",
    "ただし、数字だけでは見えない変化もある。",
    "{expert}は、制度の設計そのものを見直す必要があると話す。",
    "楽観論と悲観論が交錯するなか、判断材料はまだ出そろっていない。",
    "今回の動きは、これまでの方針からの転換とも受け取れる。",
    "調査会社の試算では、関連市場の規模は{big}00億円を超える見通しだ。",
    "{expert_short}は「問われているのは、誰が費用を負担するのかという点だ」と話す。",
)
OUTLOOK = (
    "今後の焦点は、年内に示される具体策の中身に移る。",
    "関係者は来月にも再び協議する予定だ。",
    "{subject}の行方は、当面予断を許さない状況が続きそうだ。",
    "結論が出るまでには、なお時間がかかるとの見方が強い。",
    "次の節目は{num}週間後に予定される会合になる。",
    "{company}は年度内に追加の計画を公表するとしている。",
    "議論が深まるかどうかは、今後の説明の丁寧さにかかっている。",
)
GENERIC_HEADINGS = (
    "背景に何があるのか",
    "現場の声",
    "専門家はどう見るか",
    "残された課題",
    "今後の焦点",
    "数字が示すもの",
    "なぜ今なのか",
    "揺れる判断",
)

# --- Topics ---------------------------------------------------------------------------------

TOPICS: tuple[Topic, ...] = (
    Topic(
        slug="us-north-korea",
        title="米朝関係",
        section="world",
        description="非核化をめぐる交渉、制裁、首脳外交。米国と北朝鮮の関係を追う。",
        subject="米朝関係",
        headlines=(
            "米政府、北朝鮮との対話再開に含み　非核化の道筋はなお見えず",
            "米朝の実務者協議、{foreign_city}で再開へ　非核化をめぐる溝は埋まらず",
            "米国務省、北朝鮮関連の追加制裁を発表　資金源の遮断を狙う",
            "北朝鮮が日本海に向け飛翔体を発射か　米韓が警戒を強める",
            "停滞する非核化交渉、米朝双方に残された選択肢とは",
            "金正恩体制の外交はどこへ向かうのか　専門家が読む米朝関係の現在地",
        ),
        shorts=(
            "米朝、対話再開に含み",
            "米朝協議、{foreign_city}で再開へ",
            "北朝鮮に追加制裁",
            "北朝鮮が飛翔体発射か",
            "非核化交渉、残る選択肢",
            "金正恩体制の外交の行方",
        ),
        leads=(
            "米国と北朝鮮の間で、非核化をめぐる協議の再開に向けた動きが出ている。",
            "北朝鮮の核・ミサイル開発をめぐり、米政府が新たな対応を打ち出した。",
            "停滞が続く米朝の非核化交渉について、関係国の思惑が交錯している。",
        ),
        facts=(
            "米政府高官は、北朝鮮側と非公式の接触があったことを認めた。",
            "北朝鮮の金正恩総書記の外交方針について、各国の分析は分かれている。",
            "非核化の定義をめぐる米朝の認識の違いは、交渉の初期から続く課題だ。",
            "韓国政府は、南北の連絡窓口の再開を呼びかけている。",
            "国連安全保障理事会では、制裁の履行状況をめぐる議論が続いている。",
            "日本政府は、拉致問題の解決を含む包括的な対応を求める立場を改めて示した。",
            "北朝鮮の国営メディアは、米国の対応を批判する論評を繰り返し掲載している。",
            "過去の首脳会談の合意は、具体的な行程表を欠いたままになっている。",
        ),
        headings=("非核化の定義をめぐる溝", "制裁の効果は", "韓国と日本の立場", "対話の条件"),
        english=(
            "U.S. signals openness to talks with North Korea as denuclearization stalls",
            "Washington announces new sanctions targeting Pyongyang's funding networks",
            "Analysis: What's left for U.S.-North Korea diplomacy",
        ),
        tags=("北朝鮮", "米国", "非核化", "安全保障", "制裁"),
        quotes=(("対話の扉を閉ざすことは、誰の利益にもならない。", "{official}・{official_role}"),),
    ),
    Topic(
        slug="us-china",
        title="米中関係",
        section="world",
        description="通商、技術、安全保障。二つの大国の競争と協調を追う。",
        subject="米中関係",
        headlines=(
            "米中、閣僚級の通商協議を{foreign_city}で開催　関税の扱いが焦点に",
            "中国の習近平国家主席の経済方針に各国が注目　内需拡大は進むか",
            "米国、先端技術の対中輸出規制を拡大へ　同盟国にも同調を要請",
            "米中首脳の電話協議、緊張緩和で一致も具体策は先送り",
            "中国の輸出が{num}カ月連続で増加　米中の通商摩擦に影響も",
        ),
        shorts=(
            "米中が{foreign_city}で通商協議",
            "習近平氏の経済方針に注目",
            "対中輸出規制を拡大へ",
            "米中首脳、緊張緩和で一致",
            "中国の輸出、{num}カ月連続増",
        ),
        leads=(
            "米国と中国の間で、通商と先端技術をめぐる駆け引きが続いている。",
            "中国経済の減速と米国の対中政策が、世界の企業の判断を左右している。",
        ),
        facts=(
            "習近平国家主席は、国内の消費を下支えする方針を重ねて示している。",
            "米商務省は、輸出規制の対象となる品目のリストを更新した。",
            "中国商務省は「一方的な措置には断固反対する」との談話を出した。",
            "両国の貿易額は、前年同期と比べて{pct}%減少した。",
            "欧州連合（EU）は、米中の双方と個別に対話を進める構えだ。",
            "日本企業の間では、生産拠点を分散させる動きが広がっている。",
            "協議には、双方の財務・通商担当の閣僚が出席した。",
        ),
        headings=("関税をめぐる攻防", "技術覇権の行方", "日本企業への影響"),
        english=(
            "U.S., China hold trade talks as tariff questions loom",
            "Washington widens export curbs on advanced chips to China",
        ),
        tags=("中国", "米国", "通商", "関税"),
        quotes=(("対立の管理と協力の余地を、同時に探る必要がある。", "{expert_attribution}"),),
    ),
    Topic(
        slug="boj-policy",
        title="日銀の金融政策",
        section="business",
        description="利上げ、国債買い入れ、為替。日本銀行の政策判断と市場の反応。",
        subject="日銀の金融政策",
        headlines=(
            "日銀、政策金利を据え置き　追加利上げの時期を慎重に見極め",
            "日経平均株価が大幅反落　日銀の政策修正観測で売り広がる",
            "円相場が1ドル＝15{num}円台に　日米の金利差意識した取引続く",
            "日銀の国債買い入れ減額、市場は冷静に受け止め　長期金利は小幅上昇",
            "株価の乱高下、個人投資家はどう向き合うべきか",
            "物価上昇が{num}カ月連続で2%超え　日銀の判断に影響も",
        ),
        shorts=(
            "日銀、政策金利据え置き",
            "株価が大幅反落",
            "円相場、15{num}円台に",
            "日銀の国債買い入れ減額",
            "株価の乱高下にどう臨む",
            "物価上昇{num}カ月連続2%超",
        ),
        leads=(
            "日本銀行は金融政策決定会合で、政策金利を現状のまま据え置くことを決めた。",
            "東京株式市場では、日銀の政策修正をめぐる観測から値動きの荒い展開が続いた。",
            "物価と賃金の動向をめぐり、日銀の次の一手に市場の関心が集まっている。",
        ),
        facts=(
            "日経平均株価の終値は、前日比{big}0円あまり値下がりした。",
            "長期金利の指標となる10年物国債の利回りは、一時{pct}%まで上昇した。",
            "総裁は記者会見で「賃金と物価の好循環を確認していく」と述べた。",
            "審議委員の一部は、利上げを急ぐべきだとの意見を示した。",
            "円安は輸出企業の収益を押し上げる一方、家計の負担を重くしている。",
            "株価の先行きについて、証券各社の見方は分かれている。",
            "次回の決定会合は{num}週間後に開かれる予定だ。",
        ),
        headings=("据え置きの理由", "市場の反応", "家計への影響", "次の会合に向けて"),
        english=(
            "Bank of Japan holds rates steady, keeps door open to hikes",
            "Japanese stocks slide as traders bet on BOJ policy shift",
        ),
        tags=("日銀", "金融政策", "株価", "為替", "物価"),
        quotes=(
            ("市場との対話を丁寧に重ねることが、いまは何より大切だ。", "{expert_attribution}"),
        ),
    ),
    Topic(
        slug="semiconductors",
        title="半導体",
        section="technology",
        description="工場建設、供給網、人材。半導体をめぐる国と企業の競争。",
        subject="半導体の供給網",
        headlines=(
            "{company}、{city}に新工場　半導体の国内生産を{num}割増強へ",
            "半導体の供給網、地政学リスクで再編加速　日本勢に好機か",
            "国の半導体支援、総額{big}00億円規模に　費用対効果に疑問の声も",
            "半導体人材の争奪戦が激化　高専や大学と企業が連携",
            "次世代半導体の試作ライン稼働へ　量産化の壁はなお高く",
        ),
        shorts=(
            "{company}が{city}に新工場",
            "半導体供給網の再編加速",
            "半導体支援{big}00億円規模に",
            "半導体人材の争奪戦が激化",
            "次世代半導体の試作へ",
        ),
        leads=(
            "半導体の国内生産をめぐり、企業と自治体の動きが活発になっている。",
            "経済安全保障の観点から、半導体の供給網を見直す動きが各国で広がっている。",
        ),
        facts=(
            "{company}は、新工場の建設に総額{big}00億円を投じる計画だ。",
            "工場の稼働に伴い、地元では約{big}0人の雇用が生まれる見込みだ。",
            "{city}では、工業用水の確保が課題として浮上している。",
            "政府は、先端半導体の研究開発に対する補助を拡充する方針だ。",
            "半導体製造装置の受注は、前年比{pct}%増と好調が続いている。",
            "人材の不足は深刻で、技術者の平均年収も上昇傾向にある。",
            "{company2}も、関連部材の生産能力を引き上げると発表した。",
        ),
        headings=("工場がもたらすもの", "水と電力の課題", "人材をどう育てるか"),
        english=(
            "Japan chip push draws new factories, and questions over subsidies",
            "Chipmakers race to reshape supply chains amid geopolitical risk",
        ),
        tags=("半導体", "経済安全保障", "工場", "雇用"),
        quotes=(
            ("工場を建てるだけでは足りない。地域とともに人を育てる覚悟が要る。", "{company}の社長"),
        ),
    ),
    Topic(
        slug="generative-ai",
        title="生成AI",
        section="technology",
        description="文章、画像、音声を生み出すAIが、仕事と暮らしをどう変えるか。",
        subject="生成ＡＩの活用",
        headlines=(
            "生成AIで問い合わせ対応を自動化　{company}が全社導入へ",
            "ＡＩが書いた文章、見分けられる？　教育現場で広がる戸惑い",
            "生成AIの著作権、ルール作り急ぐ政府　クリエーターは懸念",
            "ｽﾏｰﾄﾌｫﾝで動く小型ＡＩ、{company}が提供開始　通信なしで翻訳",
            "自治体の生成AI活用、{city}が議事録作成で成果　職員の負担減",
            "AI時代の働き方、企業の{num}割が「業務の見直し進める」",
        ),
        shorts=(
            "{company}、生成AI全社導入",
            "ＡＩの文章、見分けられる？",
            "生成AIの著作権ルール",
            "ｽﾏｰﾄﾌｫﾝで動く小型ＡＩ",
            "{city}、議事録にAI活用",
            "企業の{num}割が業務見直し",
        ),
        leads=(
            "文章や画像を自動で作り出す生成AIの活用が、企業や自治体で広がっている。",
            "生成ＡＩの急速な普及に対し、ルール作りや教育の現場が対応を迫られている。",
        ),
        facts=(
            "{company}は、社内の問い合わせの約{num}割をＡＩで処理できるようになったという。",
            "新しいサービスは、ｽﾏｰﾄﾌｫﾝの上で動作し、通信がなくても使える。",
            "{city}では、会議の議事録作成にかかる時間が半分以下に減った。",
            "著作権の扱いについては、文化審議会での議論が続いている。",
            "学校では、ＡＩの使い方を授業で教える試みも始まった。",
            "誤った情報をもっともらしく生成する問題は、依然として解決されていない。",
            "調査では、AIを業務で使う社員の割合が{big}%に達した。",
        ),
        headings=("現場で何が変わったか", "著作権と責任", "使いこなすために"),
        english=(
            "Japanese firms roll out generative AI as rules lag behind",
            "Schools grapple with AI-written homework",
        ),
        tags=("AI", "生成AI", "著作権", "働き方"),
        quotes=(
            ("道具としてのＡＩをどう使うか。決めるのは、結局は人間だ。", "{expert_attribution}"),
        ),
    ),
    Topic(
        slug="expo-legacy",
        title="大阪・関西万博のその後",
        section="japan",
        description="閉幕後の会場跡地、パビリオンの移設、残された課題。",
        subject="万博の跡地利用",
        headlines=(
            "万博跡地の再開発計画、{num}案が浮上　IRとの連携も焦点に",
            "閉幕から{num}カ月、万博パビリオンの移設先が決まらず",
            "万博の経済効果、試算を下回る　来場者の消費に地域差",
            "万博のレガシーをどう残すか　地元の若者がワークショップ",
        ),
        shorts=(
            "万博跡地に{num}案浮上",
            "パビリオン移設先決まらず",
            "万博の経済効果、試算下回る",
            "万博の遺産、若者が議論",
        ),
        leads=(
            "大阪・関西万博の閉幕から時間がたち、跡地の活用や施設の移設をめぐる議論が本格化している。",
            "万博が地域に何を残したのか。経済効果の検証と跡地計画づくりが進んでいる。",
        ),
        facts=(
            "会場跡地の再開発について、府と市は有識者会議を設けて検討を進めている。",
            "パビリオンの一部は、国内外の自治体が引き取りを申し出ている。",
            "解体費用の負担をめぐり、参加国との調整が続いている。",
            "会場の象徴だった大屋根の一部は、保存する方向で検討されている。",
            "来場者アンケートでは、{big}%が「また来たい」と答えた。",
            "地元の商店街では、万博後の客足の落ち込みを心配する声も聞かれた。",
        ),
        headings=("跡地をどう使うか", "移設の難しさ", "地元に残ったもの"),
        english=("Osaka weighs future of Expo site as pavilions seek new homes",),
        tags=("万博", "大阪", "再開発", "観光"),
        quotes=(
            ("お祭りの後にこそ、まちの本当の力が試される。", "{city}の商店街振興組合の理事長"),
        ),
    ),
    Topic(
        slug="disaster-prevention",
        title="防災・台風",
        section="japan",
        description="台風、豪雨、地震への備え。被災地の復興と防災の最前線。",
        subject="防災対策",
        headlines=(
            "台風{num}号、週末に西日本接近の恐れ　早めの備えを",
            "台風の被害、{city}で住宅{big}棟が浸水　復旧作業続く",
            "線状降水帯の予測精度向上へ　気象庁が新システム導入",
            "避難所の環境改善、進まぬ自治体も　段ボールベッドの備蓄に差",
            "防災アプリの登録者が急増　{city}が独自の通知機能",
        ),
        shorts=(
            "台風{num}号、西日本接近か",
            "{city}で住宅{big}棟浸水",
            "線状降水帯の予測向上へ",
            "避難所の環境改善に差",
            "{city}が防災アプリ通知",
        ),
        leads=(
            "大型の台風が接近するなか、各地で早めの備えを呼びかける動きが広がっている。",
            "相次ぐ豪雨や台風の被害を受け、自治体の防災対策が問い直されている。",
        ),
        facts=(
            "気象庁によると、台風は中心気圧9{num}0ヘクトパスカル前後の勢力を保っている。",
            "{city}では、川の水位が一時、氾濫危険水位を超えた。",
            "自治体は、高齢者など支援が必要な人の避難計画づくりを急いでいる。",
            "停電は最大で約{big}00戸に及び、復旧には数日かかる見込みだ。",
            "鉄道各社は、計画運休を前日に発表する方針を示した。",
            "非常用の水や食料は、最低3日分の備蓄が推奨されている。",
            "被災した住宅の片付けには、ボランティア約{big}0人が参加した。",
        ),
        headings=("早めの避難を", "被災地の今", "備えは十分か"),
        english=("Typhoon threatens western Japan as officials urge early evacuation",),
        tags=("台風", "防災", "気象", "避難"),
        quotes=(("空振りを恐れず、早めに動くことが命を守る。", "{expert_attribution}"),),
    ),
    Topic(
        slug="rural-migration",
        title="地方移住",
        section="japan",
        description="都市から地方へ。移住する人と迎える地域の試行錯誤。",
        subject="地方への移住",
        headlines=(
            "{city}への移住者が過去最多に　子育て支援と空き家活用が奏功",
            "引っ越し費用を最大{big}万円補助　{city}が移住者向け新制度",
            "地方移住の理想と現実　3年で都市に戻る人も",
            "テレワークで地方へ　引越しを決めた若い家族たちの選択",
        ),
        shorts=(
            "{city}への移住者最多",
            "{city}が引っ越し費用補助",
            "地方移住の理想と現実",
            "テレワークで地方へ引越し",
        ),
        leads=(
            "都市部から地方へ移り住む人が増え、受け入れる自治体の工夫が問われている。",
            "移住への関心は高まる一方、定着までの道のりは平たんではない。",
        ),
        facts=(
            "{city}への移住者は昨年度、{big}世帯に達した。",
            "市は、引っ越しにかかる費用の一部を補助する制度を設けた。",
            "東京から引越しをした{resident_age}の夫婦は、古民家を改修して暮らしている。",
            "空き家バンクの登録件数は、この{num}年で倍増した。",
            "地域の行事への参加を負担に感じる移住者もいる。",
            "移住相談会には、定員を上回る申し込みがあった。",
        ),
        headings=("選ばれる理由", "定着の壁", "迎える側の工夫"),
        english=("Young families trade Tokyo for the countryside",),
        tags=("移住", "地方", "子育て", "空き家"),
        quotes=(("移住はゴールではなく、暮らしの始まりです。", "{city}の移住相談員"),),
    ),
    Topic(
        slug="work-style",
        title="働き方改革",
        section="business",
        description="残業、副業、テレワーク。職場の変化と課題。",
        subject="働き方の見直し",
        headlines=(
            "週休3日制、{company}が全社員に拡大　生産性への影響を検証",
            "打ち合わせは30分まで　{company}の会議改革が話題に",
            "残業規制から{num}年、物流や建設で人手不足が深刻に",
            "副業解禁の企業が増加　本業との両立に課題も",
        ),
        shorts=(
            "{company}、週休3日制拡大",
            "{company}の会議改革",
            "残業規制{num}年、人手不足",
            "副業解禁の企業が増加",
        ),
        leads=(
            "長時間労働の是正や柔軟な働き方をめぐり、企業の取り組みに差が出ている。",
            "人手不足が深刻化するなか、働き方を見直す企業が相次いでいる。",
        ),
        facts=(
            "{company}では、社内の打ち合わせを原則30分以内とするルールを設けた。",
            "取引先との打合せも、オンラインを基本とするよう改めた。",
            "導入後、社員の残業時間は月平均で{num}時間減ったという。",
            "転勤に伴う引っ越しを原則なくす制度を導入する企業も出てきた。",
            "調査では、副業を認める企業の割合が{big}%に上った。",
            "管理職の負担が増えているとの指摘もある。",
        ),
        headings=("会議を減らす", "制度と現場のずれ", "人手不足のなかで"),
        english=("Japanese firms test four-day weeks as labor shortage bites",),
        tags=("働き方", "雇用", "テレワーク", "人手不足"),
        quotes=(
            (
                "時間ではなく成果で働く。その文化を根付かせるのに時間がかかる。",
                "{company}の人事部長",
            ),
        ),
    ),
    Topic(
        slug="film-anime",
        title="映画・アニメ",
        section="culture",
        description="話題作、制作現場、海外での評価。映像文化の今。",
        subject="アニメ産業",
        headlines=(
            "劇場アニメ『{work}』、公開{num}週で興行収入{big}億円突破",
            "アニメ制作の現場に変化　若手アニメーターの待遇改善へ",
            "日本映画『{work}』が海外映画祭で受賞　監督「スタッフのおかげ」",
            "聖地巡礼で{city}に観光客　作品の舞台となった商店街がにぎわう",
        ),
        shorts=(
            "『{work}』興収{big}億円突破",
            "アニメーターの待遇改善へ",
            "『{work}』が海外で受賞",
            "聖地巡礼で{city}ににぎわい",
        ),
        leads=(
            "国内外で日本のアニメと映画への関心が高まり、制作の現場にも変化が起きている。",
            "話題作のヒットが続く一方、作り手の働く環境をめぐる課題も浮かび上がっている。",
        ),
        facts=(
            "作品は公開初週の週末だけで、観客動員{big}万人を記録した。",
            "制作会社は、若手アニメーターの固定給制度を導入した。",
            "海外の配信サービスでも視聴ランキングの上位に入っている。",
            "{city}では、作品に登場する場所を巡る地図を配布している。",
            "原作の小説は、映画化をきっかけに重版が決まった。",
            "監督は「観客の反応がいちばんの励みになる」と語った。",
        ),
        headings=("ヒットの理由", "作り手の環境", "海外での評価"),
        english=("Japanese animated film tops box office for third week",),
        tags=("アニメ", "映画", "エンタメ", "観光"),
        quotes=(("一枚一枚の絵に、作り手の時間が刻まれている。", "『{work}』の監督"),),
    ),
    Topic(
        slug="pro-sports",
        title="プロスポーツ",
        section="sports",
        description="リーグ、選手、地域クラブ。スポーツをめぐる人とお金。",
        subject="地域のプロスポーツ",
        headlines=(
            "{city}のクラブ、悲願の初優勝　地元ファン{big}00人が歓喜",
            "新スタジアム構想、{city}が建設費の負担で揺れる",
            "ベテラン{player}が今季限りで引退表明　「悔いはない」",
            "女子リーグの観客動員が過去最高　地域密着が実を結ぶ",
        ),
        shorts=(
            "{city}のクラブが初優勝",
            "{city}の新スタジアム構想",
            "{player}が引退表明",
            "女子リーグ観客が最高に",
        ),
        leads=(
            "地域に根ざしたプロスポーツのクラブが、まちづくりの担い手として存在感を増している。",
            "選手とクラブ、そして地域。スポーツをめぐる関係が少しずつ変わっている。",
        ),
        facts=(
            "試合は後半終了間際の得点で決着した。",
            "{player}は、チームの精神的な支柱として長く活躍してきた。",
            "クラブの年間収入は、{num}年前の約2倍に増えた。",
            "スタジアムの建設費は、概算で{big}0億円とされる。",
            "地元の小中学生を招待する取り組みも続けている。",
            "観客の{big}%は、クラブの本拠地の市内から来ているという。",
        ),
        headings=("歓喜の瞬間", "クラブの経営", "地域とともに"),
        english=("Hometown club wins first title as fans celebrate",),
        tags=("スポーツ", "地域", "スタジアム", "クラブ"),
        quotes=(("この街のみんなで勝ち取った優勝です。", "{player}・主将"),),
    ),
    Topic(
        slug="climate-change",
        title="気候変動",
        section="science",
        description="温暖化の影響と対策、エネルギー転換を科学の目で。",
        subject="気候変動への対応",
        headlines=(
            "今年の夏は観測史上{num}番目の暑さ　気象庁がまとめ",
            "温室効果ガスの削減目標、達成に黄信号　専門家が指摘",
            "海水温の上昇で漁獲に異変　{city}の漁港で見えた変化",
            "再生可能エネルギーの比率が2{num}%に　送電網の増強が課題",
        ),
        shorts=(
            "今夏は史上{num}番目の暑さ",
            "ガス削減目標に黄信号",
            "{city}の漁港に異変",
            "再エネ比率2{num}%に",
        ),
        leads=(
            "気候変動の影響が暮らしや産業の身近なところに表れ始めている。",
            "温暖化対策の国際目標に向けて、日本の取り組みの進み具合が問われている。",
        ),
        facts=(
            "全国の平均気温は、平年を1.{num}度上回った。",
            "{city}の漁港では、これまで見られなかった南方系の魚の水揚げが増えた。",
            "研究チームは、気温上昇と豪雨の増加の関係を分析している。",
            "国の計画では、再生可能エネルギーの比率を大幅に引き上げる目標を掲げる。",
            "送電網の整備には、長い時間と多額の費用がかかる。",
            "熱中症による救急搬送は、前年を上回るペースで推移した。",
        ),
        headings=("データが示す変化", "海で起きていること", "対策は間に合うか"),
        english=("Japan logs one of its hottest summers on record",),
        tags=("気候変動", "温暖化", "エネルギー", "環境"),
        quotes=(("変化はもう、未来の話ではありません。", "{expert_attribution}"),),
    ),
    Topic(
        slug="space",
        title="宇宙開発",
        section="science",
        description="ロケット、探査機、宇宙ビジネス。宇宙をめぐる新しい競争。",
        subject="宇宙開発",
        headlines=(
            "国産ロケット、{num}号機の打ち上げに成功　商業衛星を軌道へ",
            "小惑星探査機が地球に帰還へ　試料に生命の手がかりは",
            "宇宙ベンチャー{company}、{big}億円を調達　小型衛星を量産",
            "月面探査の国際計画、日本人飛行士の搭乗に向け調整",
        ),
        shorts=(
            "ロケット{num}号機打ち上げ成功",
            "小惑星探査機が帰還へ",
            "{company}、{big}億円調達",
            "月面探査に日本人搭乗へ",
        ),
        leads=(
            "国産ロケットや探査機の成果が相次ぎ、宇宙開発への関心が高まっている。",
            "宇宙を舞台にしたビジネスに、新しい企業が次々と参入している。",
        ),
        facts=(
            "ロケットは予定通りの時刻に発射台を離れ、約{num}0分後に衛星を分離した。",
            "探査機が持ち帰る試料は、数グラム程度と見込まれている。",
            "{company}は、衛星の部品を共通化して製造コストを下げる計画だ。",
            "打ち上げを見守った見学場には、早朝から大勢の人が集まった。",
            "月面での長期滞在には、水の確保が大きな課題になる。",
            "宇宙関連の市場規模は、今後10年で大きく拡大すると予測されている。",
        ),
        headings=("打ち上げの舞台裏", "宇宙ビジネスの広がり", "次の目標"),
        english=("Japanese rocket puts commercial satellite into orbit",),
        tags=("宇宙", "ロケット", "探査", "ベンチャー"),
        quotes=(("失敗から学んだことが、今日の成功につながった。", "開発チームの責任者"),),
    ),
)

WORKS = ("星降る港の記憶", "さよなら、群青", "風の標本", "夜明けのカルテット", "ひまわり通信")
PLAYERS = ("真田 陸", "大河内 蓮", "朝比奈 航", "宇佐美 光", "相馬 岳")

# --- Images: what the abstract compositions stand for -------------------------------------------

IMAGE_SUBJECTS = (
    ("夕暮れの{city}中心部のビル群", "skyline"),
    ("{city}の沿岸部と海", "sea"),
    ("雪をかぶった{city}近郊の山並み", "mountains"),
    ("会見場に掲げられた旗（イメージ）", "abstract"),
)
