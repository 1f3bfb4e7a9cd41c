"""The text of the demo world that `services.demo` builds (`flask seed-demo`).

Everything here was written for Livestall: the shops, people, brands and books are
invented. Products are put together from the parts below (item × variant × size ×
brand), so the catalogue grows without anyone writing 160 titles by hand.
"""

# Every demo account shares this password; the seed summary prints it.
PASSWORD = "livestall-demo"  # noqa: S105 - public demo credential, by design
EMAIL_DOMAIN = "demo.livestall.test"

ADMIN = {
    "username": "admin",
    "display_name": "Livestall 管理员",
    "bio": "Demo administrator. 演示站点管理员账号。",
}

# Merchants: a shop each; `categories` are the catalogue sections it sells in and
# `service` are shop-policy sentences mixed into product descriptions.
MERCHANTS = [
    {
        "username": "xihu_teahouse",
        "display_name": "西湖茶舍 Xihu Tea House",
        "bio": "杭州龙井村旁的三代茶农小店，自家茶园明前手工炒制。"
        "每天下午三点直播开汤试茶。\n"
        "A family tea farm next to Longjing Village, Hangzhou.",
        "categories": ["tea-drinks", "fresh"],
        "service": [
            "杭州产地直发，江浙沪次日达。",
            "未拆封 7 天无理由退换。",
            "Ships from Hangzhou within 48 hours.",
        ],
    },
    {
        "username": "clearskin_official",
        "display_name": "初见 Clearskin 官方旗舰店",
        "bio": "专注敏感肌的国货护肤品牌，配方简单，成分透明。\n"
        "Fragrance-free formulas, tested on sensitive skin.",
        "categories": ["beauty", "health"],
        "service": [
            "官方正品，假一赔十。",
            "下单赠送同系列旅行装小样。",
            "Batch number and expiry date on every box.",
        ],
    },
    {
        "username": "lumi_appliances",
        "display_name": "Lumi 露米厨房电器",
        "bio": "让厨房小家电更好看、更好用。深圳设计，全国联保两年。\n"
        "Small appliances designed in Shenzhen.",
        "categories": ["kitchen", "electronics"],
        "service": [
            "全国联保两年，支持以旧换新。",
            "顺丰包邮，大件送货上门。",
            "Two-year nationwide warranty.",
        ],
    },
    {
        "username": "chanmao_snacks",
        "display_name": "馋猫零食铺",
        "bio": "吃货开的零食铺，只卖自己爱吃的。人类零食和毛孩子的小零食都有～\n"
        "We taste everything before it goes on the shelf.",
        "categories": ["food", "pets"],
        "service": [
            "新鲜日期，下午四点前下单当天发货。",
            "满 59 元包邮，偏远地区除外。",
            "We answer messages within the hour.",
        ],
    },
    {
        "username": "peaktrail_outdoor",
        "display_name": "山野 Peak Trail 户外",
        "bio": "为城市里的周末徒步者做装备，每一件都在莫干山和四姑娘山实测过。\n"
        "Gear for weekend hikers, tested on real trails.",
        "categories": ["sports", "shoes-bags", "fashion"],
        "service": [
            "30 天内不满意可免费退换。",
            "会员积分可抵扣现金。",
            "Free returns and exchanges within 30 days.",
        ],
    },
    {
        "username": "little_elephant_baby",
        "display_name": "小象宝贝 母婴生活馆",
        "bio": "两个宝妈创办的母婴店，每件商品都先给自家娃用过。\n"
        "Run by two mums: we try everything on our own kids first.",
        "categories": ["mother-baby"],
        "service": [
            "母婴专用仓储，独立包装发货。",
            "下单可加入育儿顾问群，答疑不打烊。",
            "Every product is tried by a mum before it is listed.",
        ],
    },
    {
        "username": "slowdays_living",
        "display_name": "半日闲 Slow Days 生活馆",
        "bio": "家居、文具和几本好书。偷得浮生半日闲。\n"
        "Homeware, stationery and a few good books.",
        "categories": ["home", "books"],
        "service": [
            "易碎品加厚包装，破损包赔。",
            "支持开具电子发票。",
            "Gift wrapping on request.",
        ],
    },
]

# Creators (KOLs): username, display name, bio.
CREATORS = [
    (
        "lily_eats",
        "莉莉爱吃",
        "杭州吃货一枚，每周三晚 8 点直播试吃零食。不好吃我会直说。",
    ),
    (
        "amber_skin",
        "琥珀护肤日记",
        "成分党 | 敏感肌 | 只推荐自己用空过的。Ingredient nerd with sensitive skin.",
    ),
    (
        "chef_laowang",
        "老王下厨房",
        "做了二十年厨师，教你用小家电做家常菜。周末中午直播做饭。",
    ),
    (
        "mia_hikes",
        "米娅去徒步",
        "Weekend hiker between Hangzhou and Moganshan. 装备都是真走过的路测出来的。",
    ),
    (
        "susu_tea",
        "苏苏喝茶",
        "茶艺师，带你从一杯龙井开始认识中国茶。Bilingual tea tastings every Sunday.",
    ),
    ("yoyo_mama", "悠悠妈妈", "二胎妈妈，分享真实好用的育儿好物和避坑经验。"),
    ("kai_tech", "阿凯测数码", "Unboxing every Friday night. 只讲真话，不恰烂饭。"),
    (
        "ming_and_cats",
        "明哥和三只猫",
        "家里三只猫：橘子、年糕和芝麻。猫粮猫砂都是它们亲自试过的。",
    ),
]

# Shoppers: username, display name, interface language.
SHOPPERS = [
    ("xiaoyu_88", "小雨", "zh"),
    ("chen_jing", "陈静", "zh"),
    ("emma_w", "Emma W.", "en"),
    ("dawei_hz", "大伟", "zh"),
    ("wang_fang", "王芳", "zh"),
    ("oliver_t", "Oliver T.", "en"),
    ("meimei_sh", "美美在上海", "zh"),
    ("zhou_lei", "周磊", "zh"),
    ("sophie_li", "Sophie 李", "en"),
    ("jason_zhang", "Jason 张", "en"),
]


def _item(
    zh,
    en,
    shape,
    price,
    variants,
    sizes,
    desc,
    en_desc,
    tags,
    brands=None,
    suffixes=None,
):
    """One kind of product: its names, picture, price range (yuan) and parts.

    `variants` are (Chinese, English) pairs; `sizes` are strings used in both
    languages or (Chinese, English) pairs; `desc` are two Chinese sentences about
    material and use, `en_desc` one English sentence. `brands` and `suffixes`
    replace the category's when given.
    """
    return {
        "zh": zh,
        "en": en,
        "shape": shape,
        "price": price,
        "variants": variants,
        "sizes": [s if isinstance(s, tuple) else (s, s) for s in sizes],
        "desc": desc,
        "en_desc": en_desc,
        "tags": tags,
        "brands": brands,
        "suffixes": suffixes,
    }


# Per category: base hue of the pictures (degrees), brands as (Latin, Chinese or
# None), words a title may end with ("" = none) and the items.
CATALOGUE = {
    "beauty": {
        "hue": 328,
        "brands": [("Clearskin", "初见"), ("Moonlit", "月见"), ("Petal Lab", None)],
        "suffixes": ["", "", "正品", "新品", "敏感肌可用"],
        "items": [
            _item(
                "精华液",
                "Serum",
                "dropper",
                (129, 459),
                [
                    ("玻尿酸 保湿修护", "Hyaluronic Hydrating"),
                    ("5%烟酰胺 提亮", "5% Niacinamide Brightening"),
                    ("积雪草 舒缓", "Centella Calming"),
                    ("维C 焕亮", "Vitamin C Glow"),
                ],
                ["30ml", "50ml", "100ml"],
                [
                    "轻薄水感质地，滴管取用，两三滴就能覆盖全脸，吸收后不黏腻。",
                    "洁面爽肤后使用，早晚均可；白天请搭配防晒。",
                ],
                "Lightweight, fragrance-free and dermatologist tested.",
                ["精华", "护肤", "Serum", "保湿"],
            ),
            _item(
                "氨基酸洁面乳",
                "Amino Acid Cleanser",
                "tube",
                (49, 159),
                [
                    ("温和净澈", "Gentle"),
                    ("控油清爽", "Oil Control"),
                    ("敏感肌专研", "For Sensitive Skin"),
                ],
                ["100g", "120ml", ("2支装", "2-pack")],
                [
                    "氨基酸表活配方，弱酸性贴近肌肤，泡沫绵密，洗后不紧绷。",
                    "取黄豆大小打出泡沫，在 T 区轻揉 30 秒后用温水冲净。",
                ],
                "A pH-balanced foam that rinses clean without tightness.",
                ["洁面", "氨基酸", "Cleanser", "温和"],
            ),
            _item(
                "防晒霜 SPF50+ PA++++",
                "Sunscreen SPF50+ PA++++",
                "tube",
                (79, 229),
                [
                    ("清爽不油", "Light Finish"),
                    ("水感", "Watery Gel"),
                    ("户外运动 防水", "Water-resistant Sport"),
                ],
                ["40ml", "60ml", ("2支装", "2-pack")],
                [
                    "物理化学结合防晒，轻薄成膜，日常通勤和户外运动都适用。",
                    "出门前 15 分钟足量涂抹，户外每两小时补涂一次。",
                ],
                "Reapply every two hours outdoors.",
                ["防晒", "SPF50", "Sunscreen", "夏日"],
            ),
            _item(
                "面膜",
                "Sheet Mask",
                "pouch",
                (49, 199),
                [
                    ("玻尿酸 补水", "Hyaluronic Hydrating"),
                    ("神经酰胺 修护", "Ceramide Repair"),
                    ("熬夜急救", "Late-night Rescue"),
                ],
                [("5片", "5 sheets"), ("10片", "10 sheets"), ("20片", "20 sheets")],
                [
                    "天丝膜布轻薄服帖，每片含 25ml 精华液。",
                    "敷 15 分钟后取下，轻拍至吸收，无需清洗；每周两到三次。",
                ],
                "Tencel sheets holding 25ml of essence each.",
                ["面膜", "补水", "Sheet Mask", "熬夜"],
            ),
            _item(
                "丝绒雾面口红",
                "Velvet Matte Lipstick",
                "lipstick",
                (89, 329),
                [
                    ("#01 豆沙", "#01 Rose Beige"),
                    ("#02 枫叶红", "#02 Maple Red"),
                    ("#03 奶茶", "#03 Milk Tea"),
                    ("#04 正红", "#04 True Red"),
                    ("#05 砖红", "#05 Brick"),
                ],
                ["3.5g", ("3支礼盒", "Gift Set of 3")],
                [
                    "丝绒雾面质地，一抹显色，添加植物油脂，不拔干不卡纹。",
                    "薄涂晕染是日常气色，叠涂就是饱满唇妆。",
                ],
                "Velvet matte colour that stays comfortable all day.",
                ["口红", "彩妆", "Lipstick", "雾面"],
            ),
            _item(
                "修护面霜",
                "Face Cream",
                "jar",
                (139, 499),
                [
                    ("神经酰胺 屏障修护", "Ceramide Barrier Repair"),
                    ("胜肽 抗初老", "Peptide Anti-ageing"),
                    ("乳木果 滋润", "Rich Shea"),
                ],
                ["30g", "50g", "75g"],
                [
                    "乳霜化开后很轻盈，帮助肌肤锁水，换季泛红时尤其好用。",
                    "作为护肤最后一步，取适量在掌心温热后按压全脸。",
                ],
                "Warm a pea-sized amount between your palms and press it in.",
                ["面霜", "修护", "Moisturiser", "换季"],
            ),
        ],
    },
    "fashion": {
        "hue": 248,
        "brands": [
            ("Peak Trail", "山野"),
            ("Soft Cotton", "棉语"),
            ("Urban Nomad", None),
        ],
        "suffixes": ["", "", "男女同款", "宽松", "新款"],
        "items": [
            _item(
                "纯棉短袖T恤",
                "Cotton T-shirt",
                "tshirt",
                (59, 199),
                [
                    ("重磅 260g", "Heavyweight 260g"),
                    ("宽松落肩", "Relaxed Fit"),
                    ("新疆长绒棉", "Long-staple Cotton"),
                ],
                [("白色", "White"), ("黑色", "Black"), ("燕麦色", "Oat")],
                [
                    "精梳纯棉面料，厚实不透，领口罗纹加固不易变形。",
                    "建议反面冷水洗涤，避免暴晒。",
                ],
                "Combed cotton with a reinforced rib collar.",
                ["T恤", "纯棉", "Tee", "基础款"],
            ),
            _item(
                "三合一冲锋衣",
                "3-in-1 Hardshell Jacket",
                "jacket",
                (399, 1599),
                [
                    ("防水透气", "Waterproof & Breathable"),
                    ("抓绒内胆", "Fleece Liner"),
                    ("鹅绒内胆", "Down Liner"),
                ],
                [("黑色", "Black"), ("雾蓝", "Mist Blue"), ("橄榄绿", "Olive")],
                [
                    "外层防水透气面料，全压胶密封，风雨天在户外也安心。",
                    "内胆可拆下单穿，一件衣服过三季。",
                ],
                "Zip out the liner and wear it three seasons a year.",
                ["冲锋衣", "户外", "Jacket", "防风防水"],
                brands=[("Peak Trail", "山野"), ("Urban Nomad", None)],
            ),
            _item(
                "UPF50+ 防晒衣",
                "UPF50+ Sun Hoodie",
                "jacket",
                (79, 299),
                [
                    ("冰丝凉感", "Cool-touch"),
                    ("连帽", "Hooded"),
                    ("披肩款", "Cape Style"),
                ],
                [("雾蓝", "Mist Blue"), ("樱粉", "Blush Pink"), ("白色", "White")],
                [
                    "UPF50+ 防紫外线面料，轻薄透气，收起来只有手掌大小。",
                    "夏天骑行、通勤和户外都适用。",
                ],
                "Packs down to the size of your palm.",
                ["防晒衣", "UPF50", "Sun Hoodie", "夏季"],
            ),
            _item(
                "美利奴羊毛开衫",
                "Merino Wool Cardigan",
                "jacket",
                (299, 999),
                [
                    ("V领", "V-neck"),
                    ("圆领", "Crew Neck"),
                    ("羊绒混纺", "Cashmere Blend"),
                ],
                [("燕麦色", "Oat"), ("炭灰", "Charcoal"), ("奶咖", "Latte")],
                [
                    "细支美利奴羊毛，亲肤不扎，春秋单穿、冬季内搭都合适。",
                    "建议手洗或用洗衣机羊毛模式，平铺晾干。",
                ],
                "Fine merino that is soft against the skin.",
                ["开衫", "羊毛", "Cardigan", "针织"],
                brands=[("Soft Cotton", "棉语"), ("Urban Nomad", None)],
            ),
            _item(
                "加绒卫衣",
                "Fleece-lined Hoodie",
                "jacket",
                (129, 399),
                [
                    ("连帽", "Hooded"),
                    ("圆领", "Crew Neck"),
                    ("刺绣 Logo", "Embroidered Logo"),
                ],
                [("麻灰", "Heather Grey"), ("藏青", "Navy"), ("奶白", "Cream")],
                [
                    "380g 毛圈加绒面料，保暖又不臃肿。",
                    "宽松版型男女同穿，袖口和下摆罗纹收口。",
                ],
                "A roomy unisex fit with ribbed cuffs and hem.",
                ["卫衣", "加绒", "Hoodie", "秋冬"],
            ),
        ],
    },
    "shoes-bags": {
        "hue": 28,
        "brands": [
            ("Peak Trail", "山野"),
            ("Urban Nomad", None),
            ("Canvas Day", "帆布日"),
        ],
        "suffixes": ["", "", "男女同款", "新款", "百搭"],
        "items": [
            _item(
                "轻量徒步鞋",
                "Lightweight Hiking Shoes",
                "shoe",
                (299, 999),
                [
                    ("防水", "Waterproof"),
                    ("透气网面", "Breathable Mesh"),
                    ("Vibram 大底", "Vibram Sole"),
                ],
                [("男款", "Men's"), ("女款", "Women's")],
                [
                    "鞋面采用防泼水面料，中底缓震，走碎石路也稳。",
                    "橡胶大底抓地力强，城郊徒步和日常通勤都能穿。",
                ],
                "A grippy rubber outsole for gravel and wet rock.",
                ["徒步鞋", "户外", "Hiking Shoes", "防滑"],
                brands=[("Peak Trail", "山野"), ("Urban Nomad", None)],
            ),
            _item(
                "小白鞋 板鞋",
                "Classic White Sneakers",
                "shoe",
                (159, 599),
                [
                    ("头层牛皮", "Full-grain Leather"),
                    ("帆布", "Canvas"),
                    ("厚底增高", "Platform"),
                ],
                [("35-39码", "EU 35-39"), ("39-44码", "EU 39-44")],
                [
                    "简洁低帮设计，配牛仔裤和裙子都好看。",
                    "鞋垫可拆洗，日常用湿巾擦一擦就能保持洁白。",
                ],
                "Goes with jeans and dresses alike.",
                ["小白鞋", "板鞋", "Sneakers", "百搭"],
            ),
            _item(
                "双肩包",
                "Backpack",
                "backpack",
                (149, 599),
                [
                    ("15.6寸 通勤", "15.6-inch Commuter"),
                    ("防泼水", "Water-repellent"),
                    ("户外 30L", "Hiking 30L"),
                ],
                [("黑色", "Black"), ("灰色", "Grey"), ("卡其", "Khaki")],
                [
                    "独立电脑仓加多层收纳，背负系统透气减压。",
                    "面料防泼水，小雨天通勤不用担心。",
                ],
                "A padded laptop sleeve and a breathable back panel.",
                ["双肩包", "通勤", "Backpack", "电脑包"],
            ),
            _item(
                "帆布托特包",
                "Canvas Tote Bag",
                "tote",
                (59, 199),
                [("大容量", "Large"), ("刺绣", "Embroidered"), ("拉链款", "Zip-top")],
                [("米白", "Ivory"), ("藏青", "Navy")],
                [
                    "16 安重磅帆布，内有拉链小袋，装得下 A4 文件和 13 寸电脑。",
                    "可以机洗，越用越软。",
                ],
                "Heavy 16oz canvas that softens with use.",
                ["帆布包", "托特包", "Tote", "环保"],
            ),
            _item(
                "斜挎包",
                "Crossbody Bag",
                "tote",
                (129, 699),
                [
                    ("尼龙", "Nylon"),
                    ("头层牛皮", "Full-grain Leather"),
                    ("mini", "Mini"),
                ],
                [("黑色", "Black"), ("焦糖色", "Caramel"), ("燕麦色", "Oat")],
                [
                    "包身轻巧，放得下手机、钱包和钥匙，肩带长度可调。",
                    "磁吸翻盖开合方便，逛街旅行都好用。",
                ],
                "Fits phone, wallet and keys; the strap adjusts.",
                ["斜挎包", "Crossbody", "通勤", "旅行"],
            ),
            _item(
                "溯溪鞋",
                "Water Shoes",
                "shoe",
                (129, 399),
                [("速干", "Quick-dry"), ("防滑大底", "Grippy Sole")],
                [("36-40码", "EU 36-40"), ("40-45码", "EU 40-45")],
                [
                    "网布鞋面快速排水，鞋底有导流孔，涉水后不积水。",
                    "夏天溯溪、海边和漂流都能穿。",
                ],
                "Drains fast after every stream crossing.",
                ["溯溪鞋", "涉水", "Water Shoes", "夏季"],
                brands=[("Peak Trail", "山野")],
            ),
        ],
    },
    "food": {
        "hue": 10,
        "brands": [
            ("Chanmao", "馋猫"),
            ("Crunchy Bear", "脆脆熊"),
            ("Little Bites", "一口小食"),
        ],
        "suffixes": ["", "", "办公室零食", "整箱", "追剧必备"],
        "items": [
            _item(
                "临安山核桃仁",
                "Lin'an Hickory Nut Kernels",
                "pouch",
                (39, 199),
                [
                    ("手剥", "Hand-shelled"),
                    ("椒盐味", "Salt & Pepper"),
                    ("奶油味", "Buttery"),
                ],
                ["120g", "250g", "500g"],
                [
                    "临安山核桃低温烘烤，颗粒完整，香脆不苦涩。",
                    "独立小袋分装，开袋即食，放在办公室抽屉里刚刚好。",
                ],
                "Slow-roasted and packed in small bags.",
                ["山核桃", "坚果", "Nuts", "临安"],
            ),
            _item(
                "每日坚果",
                "Daily Mixed Nuts",
                "pouch",
                (49, 139),
                [
                    ("经典混合", "Classic Mix"),
                    ("儿童款", "Kids"),
                    ("0添加蔗糖", "No Added Sugar"),
                ],
                [("15包", "15 packs"), ("30包", "30 packs")],
                [
                    "腰果、巴旦木、榛子和蔓越莓干搭配，每包 25g。",
                    "充氮保鲜，早餐拌酸奶或当下午茶都合适。",
                ],
                "25g packs of cashews, almonds, hazelnuts and cranberries.",
                ["每日坚果", "零食", "Snacks", "早餐"],
            ),
            _item(
                "手撕牛肉干",
                "Hand-torn Beef Jerky",
                "pouch",
                (39, 199),
                [("五香", "Five-spice"), ("麻辣", "Sichuan Mala"), ("孜然", "Cumin")],
                ["100g", "250g", "500g"],
                [
                    "选用牛后腿肉，风干后手工撕条，越嚼越香。",
                    "真空小包装，开袋即食，徒步露营也方便带。",
                ],
                "Air-dried beef, torn into strips by hand.",
                ["牛肉干", "肉类零食", "Jerky", "追剧"],
            ),
            _item(
                "蛋黄酥",
                "Salted Egg Yolk Pastries",
                "gift_box",
                (29, 89),
                [("红豆", "Red Bean"), ("紫薯", "Purple Yam"), ("麻薯", "Mochi")],
                [("6枚", "6 pcs"), ("12枚", "12 pcs")],
                [
                    "酥皮用动物黄油层层起酥，包着整颗咸蛋黄和细腻豆沙。",
                    "每日现烤发货，微波炉加热 20 秒口感更好。",
                ],
                "Baked daily; warm for 20 seconds before eating.",
                ["蛋黄酥", "糕点", "Pastry", "下午茶"],
            ),
            _item(
                "螺蛳粉",
                "Luosifen Rice Noodles",
                "bowl",
                (29, 99),
                [
                    ("经典原味", "Classic"),
                    ("加辣加臭", "Extra Spicy & Funky"),
                    ("干捞", "Dry-tossed"),
                ],
                [("3袋", "3 packs"), ("5袋", "5 packs"), ("10袋", "10 packs")],
                [
                    "柳州传统做法，酸笋、腐竹、花生和米粉料包齐全。",
                    "沸水煮粉 8 分钟再加料包，宿舍和办公室都能做。",
                ],
                "Everything is in the pack; ready in ten minutes.",
                ["螺蛳粉", "速食", "Noodles", "宵夜"],
            ),
            _item(
                "海苔脆",
                "Seaweed Crisps",
                "pouch",
                (19, 89),
                [
                    ("原味", "Original"),
                    ("芝麻夹心", "Sesame Sandwich"),
                    ("番茄味", "Tomato"),
                ],
                ["40g", ("12包", "12 packs"), ("24包", "24 packs")],
                ["双层海苔夹心烘烤，薄脆不油腻。", "非油炸工艺，小朋友也能放心吃。"],
                "Baked, not fried.",
                ["海苔", "儿童零食", "Snacks", "低卡"],
            ),
        ],
    },
    "tea-drinks": {
        "hue": 96,
        "brands": [
            ("Xihu Chashe", "西湖茶舍"),
            ("Longjing Hill", "龙井山房"),
            ("Cloud Leaf", "云叶"),
        ],
        "suffixes": ["", "", "礼盒装", "罐装", "口粮茶"],
        "items": [
            _item(
                "西湖龙井",
                "West Lake Longjing Green Tea",
                "cup",
                (88, 1280),
                [
                    ("明前特级", "Pre-Qingming Special Grade"),
                    ("雨前一级", "Pre-Guyu Grade 1"),
                    ("狮峰核心产区", "Shifeng Origin"),
                    ("梅家坞 手工炒制", "Meijiawu Hand-roasted"),
                ],
                ["50g", "100g", "250g"],
                [
                    "鲜叶采自杭州西湖产区，一芽一叶初展，经青锅、辉锅手工炒制，"
                    "外形扁平挺直。",
                    "用 80℃ 左右的水在玻璃杯里冲泡，可续泡三次，汤色嫩绿，豆香清高。",
                ],
                "Brew at about 80°C in a glass; good for three infusions.",
                ["龙井", "绿茶", "明前茶", "Green Tea", "杭州"],
            ),
            _item(
                "九曲红梅 红茶",
                "Jiuqu Hongmei Black Tea",
                "cup",
                (68, 598),
                [
                    ("特级", "Special Grade"),
                    ("一级", "Grade 1"),
                    ("蜜香型", "Honey Aroma"),
                ],
                ["100g", "200g", "250g"],
                [
                    "产自杭州西湖区双浦一带，条索弯曲如鱼钩，全发酵带出浓郁蜜香。",
                    "沸水冲泡 10 秒出汤，也适合加奶做奶茶，冬天喝很暖胃。",
                ],
                "Lovely on its own or with a splash of milk.",
                ["红茶", "九曲红梅", "Black Tea", "暖胃"],
            ),
            _item(
                "安吉白茶",
                "Anji White Tea",
                "cup",
                (98, 880),
                [
                    ("明前头采", "First Spring Picking"),
                    ("精品", "Select"),
                    ("黄金芽", "Golden Bud"),
                ],
                ["50g", "125g", "250g"],
                [
                    "安吉白茶其实是绿茶，春季新梢呈玉白色，氨基酸含量高，口感鲜爽。",
                    "85℃ 水温冲泡，叶底嫩绿成朵；密封冷藏，风味保存更久。",
                ],
                "Keep it sealed in the fridge to hold its fresh taste.",
                ["白茶", "安吉", "Green Tea", "新茶"],
            ),
            _item(
                "冷泡茶 三角茶包",
                "Cold Brew Tea Bags",
                "cup",
                (29, 89),
                [
                    ("白桃乌龙", "White Peach Oolong"),
                    ("茉莉绿茶", "Jasmine Green"),
                    ("蜜桃红茶", "Peach Black Tea"),
                    ("青提乌龙", "Green Grape Oolong"),
                ],
                [("10包", "10 bags"), ("20包", "20 bags"), ("30包", "30 bags")],
                [
                    "原叶茶搭配冻干果粒，独立三角茶包，玉米纤维袋身可降解。",
                    "常温矿泉水冷泡两小时即可，放冰箱过夜风味更柔和。",
                ],
                "Drop one bag into 500ml of cold water and wait two hours.",
                ["冷泡茶", "Cold Brew", "茶包", "夏日"],
                suffixes=["", "", "办公室", "夏日"],
            ),
            _item(
                "桂花龙井",
                "Osmanthus Longjing",
                "gift_box",
                (78, 468),
                [
                    ("杭州金桂窨制", "Golden Osmanthus Scented"),
                    ("三窨 花香浓", "Triple Scented"),
                    ("轻花香", "Light Floral"),
                ],
                ["75g", "150g", "300g"],
                [
                    "秋天采摘满觉陇金桂，与龙井层层窨制，花香和豆香交融。",
                    "85℃ 水冲泡，入口甜润，适合作中秋和教师节的伴手礼。",
                ],
                "A gentle floral tea and a favourite Mid-Autumn gift.",
                ["桂花", "花茶", "龙井", "伴手礼"],
            ),
            _item(
                "挂耳咖啡",
                "Drip Bag Coffee",
                "cup",
                (39, 199),
                [
                    ("云南小粒 中烘", "Yunnan Arabica Medium Roast"),
                    ("耶加雪菲 浅烘", "Yirgacheffe Light Roast"),
                    ("深烘拼配", "Dark Roast Blend"),
                ],
                [("10袋", "10 bags"), ("20袋", "20 bags"), ("50袋", "50 bags")],
                [
                    "每袋 12g 新鲜烘焙咖啡粉，充氮包装，撕开挂在杯上就能手冲。",
                    "用 92℃ 热水分三次注入约 180ml，办公室和露营都方便。",
                ],
                "Pour 180ml of 92°C water in three slow rounds.",
                ["咖啡", "挂耳", "Coffee", "手冲"],
                brands=[("Cloud Leaf", "云叶")],
                suffixes=["", "", "办公室", "露营"],
            ),
        ],
    },
    "home": {
        "hue": 168,
        "brands": [("Slow Days", "半日闲"), ("Linen House", "麻屋"), ("Mori", None)],
        "suffixes": ["", "", "ins风", "家用", "送礼"],
        "items": [
            _item(
                "香薰蜡烛",
                "Scented Candle",
                "candle",
                (69, 299),
                [
                    ("白茶", "White Tea"),
                    ("无花果", "Fig"),
                    ("雪松", "Cedarwood"),
                    ("桂花", "Osmanthus"),
                ],
                ["200g", "300g", ("礼盒", "Gift Box")],
                [
                    "天然大豆蜡配棉芯，燃烧均匀少黑烟，可以燃烧约 45 小时。",
                    "第一次点燃请至少两小时，让蜡面完全融化，避免出现“隧道”。",
                ],
                "Soy wax and a cotton wick, about 45 hours of burn time.",
                ["香薰蜡烛", "香氛", "Candle", "送礼"],
            ),
            _item(
                "水洗棉床品四件套",
                "Washed Cotton Bedding Set",
                "bedding",
                (199, 699),
                [("纯色", "Solid"), ("格纹", "Gingham"), ("条纹", "Stripe")],
                [("1.5m床", "1.5m Bed"), ("1.8m床", "1.8m Bed")],
                [
                    "全棉面料经过水洗工艺，自然褶皱，越洗越柔软。",
                    "含被套、床单和两只枕套，可以机洗。",
                ],
                "A duvet cover, a sheet and two pillowcases.",
                ["四件套", "床品", "Bedding", "全棉"],
            ),
            _item(
                "陶瓷花瓶",
                "Ceramic Vase",
                "vase",
                (49, 299),
                [
                    ("侘寂风", "Wabi-sabi"),
                    ("奶油风", "Creamy"),
                    ("手工釉", "Hand-glazed"),
                ],
                [("小号", "Small"), ("中号", "Medium"), ("大号", "Large")],
                [
                    "手工拉坯成型，每一只的釉色和纹理都略有不同。",
                    "插鲜花干花都好看，放玄关或书桌都合适。",
                ],
                "Wheel-thrown, so no two are quite alike.",
                ["花瓶", "陶瓷", "Vase", "家居摆件"],
            ),
            _item(
                "棉麻收纳筐",
                "Cotton-linen Storage Basket",
                "basket",
                (39, 169),
                [
                    ("可折叠", "Foldable"),
                    ("带提手", "With Handles"),
                    ("带盖", "Lidded"),
                ],
                [("3个装", "Set of 3"), ("6个装", "Set of 6")],
                [
                    "棉麻面料内衬防水涂层，不用时可以折叠收起。",
                    "收纳衣物、玩具和杂物，让房间一下子整洁起来。",
                ],
                "Folds flat when you don't need it.",
                ["收纳", "整理", "Storage", "棉麻"],
            ),
            _item(
                "落地灯",
                "Floor Lamp",
                "lamp",
                (199, 899),
                [
                    ("北欧风", "Nordic"),
                    ("奶油风", "Cream-style"),
                    ("遥控调光", "Remote Dimming"),
                ],
                [("白色", "White"), ("胡桃木色", "Walnut")],
                [
                    "布艺灯罩光线柔和不刺眼，三档色温可调。",
                    "放在沙发旁或卧室角落，晚上的氛围一下就有了。",
                ],
                "Three colour temperatures under a soft fabric shade.",
                ["落地灯", "氛围灯", "Lamp", "客厅"],
            ),
        ],
    },
    "kitchen": {
        "hue": 198,
        "brands": [("Lumi", "露米"), ("IronLeaf", "铁叶"), ("Hearth & Co", None)],
        "suffixes": ["", "", "家用", "官方标配", "新款"],
        "items": [
            _item(
                "手持料理棒 Hand Blender",
                "Hand Blender",
                "blender",
                (199, 599),
                [
                    ("600W 四件套", "600W, 4-piece Set"),
                    ("800W 全钢", "800W All-steel"),
                    ("无线充电款", "Cordless"),
                ],
                [("奶白", "Cream"), ("雾蓝", "Mist Blue"), ("石墨黑", "Graphite")],
                [
                    "304 不锈钢刀头，搅拌、打蛋、切碎一键切换，做辅食和奶昔都方便。",
                    "刀头可拆下直接冲洗，配 600ml 量杯和打蛋器。",
                ],
                "The steel shaft comes off and goes in the dishwasher.",
                ["料理棒", "辅食", "Blender", "厨房电器"],
                brands=[("Lumi", "露米")],
            ),
            _item(
                "空气炸锅",
                "Air Fryer",
                "appliance",
                (299, 999),
                [
                    ("可视窗", "Viewing Window"),
                    ("双篮", "Dual Basket"),
                    ("蒸烤一体", "Steam + Air Fry"),
                ],
                ["4.5L", "6L", "8L"],
                [
                    "360° 热风循环，少油也能做出外酥里嫩的鸡翅和薯条。",
                    "炸篮是不粘涂层，可拆洗，预设 8 种菜单一键烹饪。",
                ],
                "Eight presets and a non-stick basket that lifts out to wash.",
                ["空气炸锅", "少油", "Air Fryer", "懒人"],
                brands=[("Lumi", "露米"), ("Hearth & Co", None)],
            ),
            _item(
                "不粘炒锅",
                "Non-stick Wok",
                "pan",
                (129, 499),
                [
                    ("麦饭石涂层", "Stone-coated"),
                    ("316不锈钢 蜂窝", "316 Honeycomb Steel"),
                    ("精铁 无涂层", "Carbon Steel, Uncoated"),
                ],
                ["28cm", "30cm", "32cm"],
                [
                    "锅体导热均匀，少油煎蛋也不粘，燃气灶和电磁炉通用。",
                    "配可立式钢化玻璃锅盖，木柄不烫手。",
                ],
                "Works on gas and induction hobs.",
                ["炒锅", "不粘锅", "Wok", "燃气电磁通用"],
                brands=[("IronLeaf", "铁叶"), ("Hearth & Co", None)],
            ),
            _item(
                "电热水壶",
                "Electric Kettle",
                "kettle",
                (99, 369),
                [
                    ("智能恒温", "Temperature Control"),
                    ("高硼硅玻璃", "Borosilicate Glass"),
                    ("304不锈钢", "304 Stainless Steel"),
                ],
                ["1.5L", "1.7L"],
                [
                    "5 分钟快速烧开，可设 45/60/80/100℃，泡茶冲奶都合适。",
                    "内胆无缝一体，防干烧自动断电。",
                ],
                "Set 80°C for green tea or 45°C for baby formula.",
                ["烧水壶", "恒温", "Kettle", "泡茶"],
                brands=[("Lumi", "露米"), ("Hearth & Co", None)],
            ),
            _item(
                "珐琅铸铁锅",
                "Enamelled Cast-iron Casserole",
                "pot",
                (299, 1299),
                [
                    ("樱花粉", "Sakura Pink"),
                    ("橄榄绿", "Olive"),
                    ("复古红", "Vintage Red"),
                    ("燕麦白", "Oat White"),
                ],
                ["20cm", "22cm", "24cm"],
                [
                    "铸铁锅身储热均匀，锅盖内有回流凸点，炖肉煲汤更入味。",
                    "外层珐琅釉面好清洁，可以直接放进烤箱。",
                ],
                "Oven-safe and easy to clean.",
                ["铸铁锅", "珐琅锅", "Casserole", "炖汤"],
                brands=[("IronLeaf", "铁叶"), ("Hearth & Co", None)],
            ),
            _item(
                "半自动咖啡机",
                "Espresso Machine",
                "appliance",
                (899, 2599),
                [
                    ("20Bar 意式", "20-bar Espresso"),
                    ("带磨豆", "With Grinder"),
                    ("蒸汽打奶", "With Steam Wand"),
                ],
                [("奶白", "Cream"), ("银色", "Silver")],
                [
                    "20Bar 泵压萃取，30 秒预热，在家也能做出油脂丰富的意式浓缩。",
                    "配蒸汽打奶棒，拿铁和卡布奇诺一台搞定。",
                ],
                "Heats up in 30 seconds, with a steam wand for lattes.",
                ["咖啡机", "意式", "Espresso", "拿铁"],
                brands=[("Lumi", "露米")],
            ),
        ],
    },
    "electronics": {
        "hue": 222,
        "brands": [("Lumi", "露米"), ("Nova", None), ("Orbit", None)],
        "suffixes": ["", "", "官方正品", "新品首发", "两年质保"],
        "items": [
            _item(
                "真无线蓝牙耳机",
                "True Wireless Earbuds",
                "earbuds",
                (129, 699),
                [
                    ("主动降噪 ANC", "Active Noise Cancelling"),
                    ("半入耳", "Semi In-ear"),
                    ("运动防汗", "Sport, Sweat-proof"),
                ],
                [("白色", "White"), ("黑色", "Black"), ("薄荷绿", "Mint")],
                [
                    "蓝牙 5.3 低延迟连接，单次续航 8 小时，加上充电盒可达 32 小时。",
                    "三麦克风通话降噪，支持两台设备同时连接。",
                ],
                "Up to 32 hours of listening with the case.",
                ["蓝牙耳机", "降噪", "Earbuds", "通勤"],
            ),
            _item(
                "磁吸充电宝",
                "Magnetic Power Bank",
                "phone",
                (99, 299),
                [
                    ("MagSafe 磁吸", "MagSafe Magnetic"),
                    ("自带线", "Built-in Cable"),
                    ("PD 22.5W 快充", "22.5W PD Fast Charge"),
                ],
                ["5000mAh", "10000mAh", "20000mAh"],
                ["轻薄机身吸在手机背面，边用边充。", "USB-C 双向快充，可以带上飞机。"],
                "Airline-safe, with USB-C in and out.",
                ["充电宝", "快充", "Power Bank", "出差"],
            ),
            _item(
                "智能手表",
                "Smartwatch",
                "watch",
                (399, 1599),
                [
                    ("心率血氧", "Heart Rate & SpO2"),
                    ("GPS 运动", "GPS Sport"),
                    ("14天长续航", "14-day Battery"),
                ],
                ["42mm", "46mm"],
                [
                    "AMOLED 高清屏，支持一百多种运动模式和睡眠监测。",
                    "5ATM 防水，游泳也能戴；表带快拆可换。",
                ],
                "5ATM water resistance and quick-release straps.",
                ["智能手表", "运动", "Smartwatch", "健康监测"],
                brands=[("Nova", None), ("Orbit", None)],
            ),
            _item(
                "氮化镓充电器 GaN",
                "GaN Charger",
                "charger",
                (69, 299),
                [
                    ("65W 三口", "65W 3-port"),
                    ("100W 四口", "100W 4-port"),
                    ("30W 迷你", "30W Mini"),
                ],
                [("白色", "White"), ("深空灰", "Space Grey")],
                [
                    "氮化镓方案体积小巧，一个充电器同时给电脑、平板和手机充电。",
                    "插脚可折叠，出差放进包里不占地方。",
                ],
                "One charger for laptop, tablet and phone.",
                ["充电器", "GaN", "Charger", "快充"],
            ),
            _item(
                "机械键盘",
                "Mechanical Keyboard",
                "keyboard",
                (199, 799),
                [
                    ("茶轴", "Brown Switches"),
                    ("红轴", "Red Switches"),
                    ("静音轴", "Silent Switches"),
                ],
                [("68键", "68 keys"), ("87键", "87 keys"), ("98键", "98 keys")],
                [
                    "蓝牙、2.4G 和有线三模连接，Mac 和 Windows 一键切换。",
                    "PBT 键帽不打油，支持热插拔换轴。",
                ],
                "Bluetooth, 2.4G or USB-C, with hot-swappable switches.",
                ["机械键盘", "办公", "Keyboard", "热插拔"],
                brands=[("Nova", None), ("Orbit", None)],
            ),
            _item(
                "桌面蓝牙音箱",
                "Desktop Bluetooth Speaker",
                "speaker",
                (159, 599),
                [
                    ("复古收音机款", "Retro Radio"),
                    ("木纹", "Wood Grain"),
                    ("带闹钟", "With Alarm Clock"),
                ],
                [("胡桃木", "Walnut"), ("白橡", "White Oak")],
                [
                    "全频单元加被动振膜，人声清晰、低频饱满。",
                    "实木外壳手工打磨，放在书桌上也是一件摆件。",
                ],
                "A solid wood cabinet and Bluetooth 5.3.",
                ["音箱", "蓝牙音箱", "Speaker", "复古"],
            ),
        ],
    },
    "mother-baby": {
        "hue": 356,
        "brands": [
            ("Little Elephant", "小象宝贝"),
            ("Cloudy Baby", "云朵宝宝"),
            ("Mamacare", None),
        ],
        "suffixes": ["", "", "新生儿可用", "囤货装", "官方正品"],
        "items": [
            _item(
                "纸尿裤",
                "Baby Diapers",
                "pouch",
                (79, 239),
                [
                    ("超薄透气", "Ultra-thin"),
                    ("夜用加量吸收", "Overnight"),
                    ("拉拉裤", "Pull-ups"),
                ],
                [
                    ("S 76片", "S, 76 pcs"),
                    ("M 64片", "M, 64 pcs"),
                    ("L 54片", "L, 54 pcs"),
                ],
                [
                    "3D 立体护围防侧漏，表层柔软干爽。",
                    "腰贴可以反复粘贴，尿显线提醒及时更换。",
                ],
                "A wetness indicator and a soft, breathable top sheet.",
                ["纸尿裤", "婴儿", "Diapers", "透气"],
            ),
            _item(
                "宽口径玻璃奶瓶",
                "Wide-neck Glass Feeding Bottle",
                "baby_bottle",
                (69, 199),
                [
                    ("防胀气", "Anti-colic"),
                    ("硅胶护套", "Silicone Sleeve"),
                    ("重力球吸管", "Weighted Straw"),
                ],
                ["160ml", "240ml"],
                [
                    "高硼硅玻璃瓶身，耐冷热骤变，可以煮沸消毒。",
                    "奶嘴为液态硅胶，触感柔软接近母乳喂养。",
                ],
                "Borosilicate glass; boil it to sterilise.",
                ["奶瓶", "玻璃奶瓶", "Baby Bottle", "防胀气"],
            ),
            _item(
                "婴儿推车",
                "Baby Stroller",
                "stroller",
                (499, 2599),
                [
                    ("轻便折叠", "Lightweight Fold"),
                    ("高景观", "High-view"),
                    ("可坐可躺", "Sit & Recline"),
                ],
                [("月光灰", "Moon Grey"), ("奶咖", "Latte"), ("雾蓝", "Mist Blue")],
                [
                    "铝合金车架，一只手就能收车，可以登机。",
                    "四轮独立减震，遮阳篷 UPF50+。",
                ],
                "One-hand fold; fits in an overhead locker.",
                ["推车", "遛娃", "Stroller", "可登机"],
            ),
            _item(
                "纯棉连体衣",
                "Cotton Baby Romper",
                "romper",
                (49, 169),
                [
                    ("A类 新生儿", "Class A Newborn"),
                    ("竹纤维", "Bamboo Fibre"),
                    ("长袖", "Long Sleeve"),
                ],
                ["59cm", "66cm", "73cm"],
                [
                    "A 类婴幼儿标准面料，无荧光剂，贴身柔软。",
                    "按扣开裆设计，换尿布更方便。",
                ],
                "Snap fastenings for quick changes.",
                ["连体衣", "婴儿服", "Romper", "A类"],
            ),
            _item(
                "儿童保温杯",
                "Kids' Insulated Cup",
                "bottle",
                (79, 219),
                [("吸管款", "Straw"), ("鸭嘴款", "Spout"), ("双饮", "Two-way")],
                ["300ml", "400ml"],
                [
                    "316 不锈钢内胆，保温 12 小时，配背带出门方便。",
                    "吸管可拆洗，防漏设计，倒过来也不漏水。",
                ],
                "Keeps drinks warm for 12 hours and doesn't leak.",
                ["保温杯", "儿童", "Kids Cup", "防漏"],
            ),
            _item(
                "婴儿湿巾",
                "Baby Wipes",
                "pouch",
                (29, 119),
                [
                    ("手口专用", "Hand & Mouth"),
                    ("加厚", "Thick"),
                    ("无香", "Fragrance-free"),
                ],
                [("80抽×3包", "80 × 3 packs"), ("80抽×12包", "80 × 12 packs")],
                [
                    "EDI 纯水配方，不含酒精和香精，擦脸擦手都温和。",
                    "加大加厚，带翻盖不容易变干。",
                ],
                "A pure-water formula with no alcohol or fragrance.",
                ["湿巾", "婴儿", "Wipes", "温和"],
            ),
        ],
    },
    "sports": {
        "hue": 186,
        "brands": [("Peak Trail", "山野"), ("Northline", None), ("Trailmate", "途伴")],
        "suffixes": ["", "", "户外", "男女同款", "新款"],
        "items": [
            _item(
                "美利奴羊毛徒步袜",
                "Merino Wool Hiking Socks",
                "sock",
                (69, 229),
                [
                    ("中筒", "Crew"),
                    ("加厚毛圈", "Cushioned"),
                    ("轻量速干", "Lightweight"),
                ],
                [("3双装", "3 pairs"), ("5双装", "5 pairs")],
                [
                    "含 70% 美利奴羊毛，透气排汗不易有异味，连续徒步几天也舒服。",
                    "足底毛圈加厚缓冲，建议冷水手洗、平铺晾干。",
                ],
                "70% merino; hand wash cold and dry flat.",
                ["徒步袜", "羊毛袜", "Merino", "Hiking"],
                brands=[("Peak Trail", "山野"), ("Northline", None)],
            ),
            _item(
                "碳素登山杖",
                "Carbon Trekking Poles",
                "mountain",
                (99, 459),
                [
                    ("超轻", "Ultralight"),
                    ("三节折叠", "3-section Folding"),
                    ("外锁快调", "Flick-lock"),
                ],
                [("单支", "Single"), ("一对", "Pair")],
                [
                    "碳纤维杖身单支仅 190g，外锁快调，长度 100～130cm。",
                    "下山时帮膝盖分担压力，附赠泥地托和橡胶杖尖套。",
                ],
                "190g per pole, and kinder to your knees on the way down.",
                ["登山杖", "徒步", "Trekking", "碳纤维"],
            ),
            _item(
                "双人帐篷",
                "2-person Tent",
                "tent",
                (299, 1299),
                [
                    ("防暴雨", "Storm-proof"),
                    ("自动速开", "Instant Pop-up"),
                    ("超轻 1.6kg", "Ultralight 1.6kg"),
                ],
                [("军绿", "Olive"), ("沙色", "Sand")],
                [
                    "双层结构，外帐 PU3000 防水涂层，铝合金帐杆抗风。",
                    "三分钟就能搭好，收起来可以挂在背包外侧。",
                ],
                "Pitches in three minutes.",
                ["帐篷", "露营", "Camping", "Tent"],
            ),
            _item(
                "TPE 瑜伽垫",
                "TPE Yoga Mat",
                "mat",
                (59, 259),
                [
                    ("加宽 80cm", "Extra-wide 80cm"),
                    ("双面防滑", "Double-sided Grip"),
                    ("体位线", "Alignment Lines"),
                ],
                ["6mm", "8mm", "10mm"],
                [
                    "环保 TPE 材质，没有异味，回弹好，跪着也不硌膝盖。",
                    "用完拿湿布擦干净卷起来，附赠绑带。",
                ],
                "Odour-free TPE with a carry strap.",
                ["瑜伽垫", "健身", "Yoga", "居家"],
            ),
            _item(
                "可调节哑铃",
                "Adjustable Dumbbells",
                "dumbbell",
                (199, 1599),
                [("快调旋钮", "Quick Dial"), ("包胶", "Rubber-coated")],
                ["10kg", "20kg", ("24kg×2", "24kg × 2")],
                [
                    "旋钮一拧就能换重量，一副顶一整排哑铃。",
                    "包胶外层保护地板，小户型居家健身很合适。",
                ],
                "Turn the dial to change the weight.",
                ["哑铃", "力量训练", "Dumbbells", "居家健身"],
                brands=[("Northline", None), ("Trailmate", "途伴")],
            ),
            _item(
                "Tritan 运动水壶",
                "Tritan Sports Bottle",
                "bottle",
                (39, 169),
                [
                    ("吸管盖", "Straw Lid"),
                    ("大容量 刻度", "Big, with Time Markers"),
                    ("316不锈钢 保温", "Insulated 316 Steel"),
                ],
                ["600ml", "1L", "2L"],
                [
                    "Tritan 材质轻便耐摔，可以装热水，不含双酚 A。",
                    "一键弹盖单手开合，健身骑行随时补水。",
                ],
                "BPA-free with a one-hand flip lid.",
                ["水壶", "运动", "Water Bottle", "健身"],
            ),
        ],
    },
    "health": {
        "hue": 146,
        "brands": [
            ("VitaDay", "维他日"),
            ("Herb Garden", "本草园"),
            ("Clearskin", "初见"),
        ],
        "suffixes": ["", "", "家庭装", "官方正品"],
        "items": [
            _item(
                "维生素C 泡腾片",
                "Vitamin C Effervescent Tablets",
                "pills",
                (29, 129),
                [("橙子味", "Orange"), ("柠檬味", "Lemon"), ("莓果味", "Mixed Berry")],
                [("20片", "20 tablets"), ("3管装", "3 tubes"), ("6管装", "6 tubes")],
                [
                    "每片含维生素C 1000mg，放进 200ml 冷水或温水，泡腾溶解后饮用。",
                    "每天一片，酸酸甜甜，适合不爱吞胶囊的家人。",
                ],
                "One tablet in a glass of water a day.",
                ["维生素C", "泡腾片", "Vitamins", "家庭常备"],
                brands=[("VitaDay", "维他日")],
            ),
            _item(
                "深海鱼油软胶囊",
                "Omega-3 Fish Oil Softgels",
                "pills",
                (89, 359),
                [
                    ("高纯度", "High-purity"),
                    ("rTG型", "rTG Form"),
                    ("小粒好吞", "Mini Softgels"),
                ],
                [
                    ("60粒", "60 softgels"),
                    ("90粒", "90 softgels"),
                    ("120粒", "120 softgels"),
                ],
                [
                    "原料来自深海小型鱼类，分子蒸馏去除杂质，几乎没有腥味。",
                    "每天随餐吃 1～2 粒，开封后放在阴凉干燥处。",
                ],
                "Take one or two with a meal.",
                ["鱼油", "Omega-3", "保健", "软胶囊"],
                brands=[("VitaDay", "维他日")],
            ),
            _item(
                "益生菌冻干粉",
                "Probiotic Powder",
                "jar",
                (69, 299),
                [("成人款", "Adults"), ("儿童款", "Kids"), ("草莓味", "Strawberry")],
                [
                    ("20条", "20 sachets"),
                    ("30条", "30 sachets"),
                    ("60条", "60 sachets"),
                ],
                [
                    "多菌株复配，独立条装，全程冷链仓储。",
                    "用 40℃ 以下的温水或牛奶冲调，早餐后饮用。",
                ],
                "Mix with water or milk below 40°C.",
                ["益生菌", "Probiotics", "肠道", "条装"],
            ),
            _item(
                "红枣枸杞养生茶",
                "Red Date & Goji Herbal Tea",
                "jar",
                (29, 99),
                [
                    ("五宝茶", "Five Treasures"),
                    ("桂圆红枣", "Longan & Date"),
                    ("菊花决明子", "Chrysanthemum & Cassia"),
                ],
                [("15包", "15 bags"), ("30包", "30 bags")],
                [
                    "精选宁夏枸杞、新疆红枣和桂圆干，独立茶包，方便携带。",
                    "沸水冲泡 5 分钟，可以反复冲泡，下午在办公室来一杯。",
                ],
                "Steep in boiling water for five minutes.",
                ["养生茶", "枸杞", "Herbal Tea", "办公室"],
                brands=[("Herb Garden", "本草园")],
            ),
            _item(
                "乳清蛋白粉",
                "Whey Protein Powder",
                "jar",
                (99, 499),
                [
                    ("香草味", "Vanilla"),
                    ("巧克力味", "Chocolate"),
                    ("原味", "Unflavoured"),
                ],
                ["450g", "908g", "2.27kg"],
                [
                    "每份提供 24g 蛋白质，速溶不结块，低脂低糖。",
                    "训练后 30 分钟内用 250ml 水或牛奶摇匀饮用。",
                ],
                "24g of protein per scoop; shake with 250ml of water or milk.",
                ["蛋白粉", "健身", "Whey", "增肌"],
                brands=[("VitaDay", "维他日")],
            ),
            _item(
                "胶原蛋白肽口服液",
                "Collagen Peptide Drink",
                "bottle",
                (99, 399),
                [
                    ("小分子", "Low Molecular"),
                    ("樱花味", "Sakura"),
                    ("添加维C", "With Vitamin C"),
                ],
                [("10瓶", "10 bottles"), ("30瓶", "30 bottles")],
                [
                    "每瓶 50ml，含 5000mg 小分子胶原蛋白肽，清甜不腥。",
                    "冷藏后口感更好，建议睡前喝一瓶。",
                ],
                "50ml bottles, nicest chilled.",
                ["胶原蛋白", "口服液", "Beauty Drink", "养颜"],
                brands=[("Clearskin", "初见")],
            ),
        ],
    },
    "pets": {
        "hue": 308,
        "brands": [("Chanmao Pet", "馋猫宠物"), ("Paw Club", None), ("Whisker", None)],
        "suffixes": ["", "", "包邮", "囤货装", "新品"],
        "items": [
            _item(
                "冻干猫零食",
                "Freeze-dried Cat Treats",
                "pet_bowl",
                (39, 199),
                [("鸡胸肉", "Chicken Breast"), ("三文鱼", "Salmon"), ("鹌鹑", "Quail")],
                ["100g", "200g", "500g"],
                [
                    "单一肉源低温冻干，保留肉的原味和营养，猫咪一闻就跑过来。",
                    "可以直接喂，也可以泡水复原或拌进主粮。",
                ],
                "Single-protein, freeze-dried, nothing added.",
                ["冻干", "猫零食", "Cat Treats", "单一肉源"],
            ),
            _item(
                "无谷全价猫粮",
                "Grain-free Cat Food",
                "pouch",
                (79, 399),
                [("成猫", "Adult"), ("幼猫", "Kitten"), ("室内猫", "Indoor")],
                ["1.5kg", "2kg", "5kg"],
                [
                    "鲜肉含量 70%，无谷物配方，添加牛磺酸和益生元。",
                    "换粮时请按 7 天过渡法慢慢混合。",
                ],
                "70% fresh meat and no grain.",
                ["猫粮", "无谷", "Cat Food", "主粮"],
            ),
            _item(
                "狗狗磨牙棒",
                "Dog Dental Chews",
                "bone",
                (29, 119),
                [
                    ("小型犬", "Small Breeds"),
                    ("中大型犬", "Medium & Large"),
                    ("牛奶味", "Milk Flavour"),
                ],
                [("20支", "20 sticks"), ("40支", "40 sticks")],
                [
                    "星形纹路设计，啃咬时帮助清洁牙面、减少牙垢。",
                    "每天一支，喂的时候请在旁边看着，并准备充足饮水。",
                ],
                "One a day, with fresh water close by.",
                ["磨牙棒", "洁齿", "Dog Treats", "狗零食"],
            ),
            _item(
                "豆腐猫砂",
                "Tofu Cat Litter",
                "pouch",
                (29, 199),
                [("原味", "Unscented"), ("绿茶", "Green Tea"), ("活性炭", "Charcoal")],
                ["6L", ("6L×4包", "6L × 4 bags"), ("6L×8包", "6L × 8 bags")],
                [
                    "豌豆纤维和玉米淀粉制成，结团快、粉尘低。",
                    "用过的可以少量多次冲进马桶。",
                ],
                "Clumps fast and flushes in small amounts.",
                ["猫砂", "豆腐砂", "Cat Litter", "低尘"],
            ),
            _item(
                "逗猫棒",
                "Cat Teaser Wand",
                "paw",
                (19, 69),
                [("羽毛", "Feather"), ("铃铛", "Bell"), ("伸缩杆", "Telescopic")],
                [("3件套", "3-piece Set"), ("5件套", "5-piece Set")],
                [
                    "碳素杆身轻巧有弹性，附赠替换羽毛头。",
                    "每天陪玩 15 分钟，帮室内猫消耗精力。",
                ],
                "Fifteen minutes of play a day keeps indoor cats happy.",
                ["逗猫棒", "猫玩具", "Cat Toy", "互动"],
            ),
            _item(
                "宠物自动饮水机",
                "Pet Water Fountain",
                "pet_bowl",
                (99, 299),
                [
                    ("静音", "Quiet Pump"),
                    ("无线水泵", "Wireless Pump"),
                    ("不锈钢盘", "Steel Tray"),
                ],
                ["2L", "3L"],
                [
                    "流动的活水更能吸引猫咪主动喝水。",
                    "四重过滤加静音水泵，夜里也不吵。",
                ],
                "Moving water gets cats to drink more.",
                ["饮水机", "猫咪", "Pet Fountain", "过滤"],
            ),
        ],
    },
    "books": {
        "hue": 272,
        "brands": [
            ("Inkwell", "墨池"),
            ("Paper Kite", "纸鸢"),
            ("Slow Days", "半日闲"),
        ],
        "suffixes": ["", "", "", "送礼"],
        "items": [
            _item(
                "A5 手账本",
                "A5 Journal",
                "notebook",
                (29, 99),
                [("点阵", "Dot Grid"), ("方格", "Grid"), ("空白", "Blank")],
                [("1本", "1 book"), ("3本装", "Pack of 3")],
                [
                    "100g 道林纸不洇墨，钢笔和马克笔书写都顺滑。",
                    "锁线装订可以 180° 平摊，带书签丝带。",
                ],
                "100gsm paper that takes fountain-pen ink.",
                ["手账", "笔记本", "Journal", "文具"],
                brands=[("Inkwell", "墨池"), ("Paper Kite", "纸鸢")],
                suffixes=["", "", "学生", "文具控"],
            ),
            _item(
                "中性笔 0.5mm",
                "Gel Pens 0.5mm",
                "pens",
                (19, 59),
                [
                    ("速干", "Quick-dry"),
                    ("按动", "Retractable"),
                    ("莫兰迪色", "Muted Colours"),
                ],
                [("10支", "10 pens"), ("20支", "20 pens")],
                [
                    "子弹头笔尖书写顺滑，墨水速干不蹭手。",
                    "刷题记笔记都合适，笔芯可以替换。",
                ],
                "Quick-drying ink, refillable.",
                ["中性笔", "学生", "Gel Pen", "刷题"],
                brands=[("Inkwell", "墨池"), ("Paper Kite", "纸鸢")],
                suffixes=["", "", "学生", "文具控"],
            ),
            _item(
                "散文集《一杯茶的时间》",
                "Essays: The Length of a Cup of Tea",
                "book_stack",
                (39, 128),
                [
                    ("精装", "Hardcover"),
                    ("平装", "Paperback"),
                    ("作者签名版", "Signed Edition"),
                ],
                [("", "")],
                [
                    "二十四篇关于茶、城市和慢生活的小散文，写杭州的四季，"
                    "也写日常里片刻的安静。",
                    "内文用轻型纸印刷，单手翻阅也不累。",
                ],
                "Twenty-four short essays on tea and slow living.",
                ["散文", "图书", "Books", "慢生活"],
                brands=[("Slow Days", "半日闲")],
            ),
            _item(
                "儿童绘本",
                "Children's Picture Book",
                "book_stack",
                (29, 89),
                [
                    ("《小象找月亮》", "Little Elephant Looks for the Moon"),
                    ("《下雨天的猫》", "The Cat on a Rainy Day"),
                    ("《外婆的菜园》", "Grandma's Vegetable Garden"),
                ],
                [("精装", "Hardcover"), ("平装", "Paperback")],
                [
                    "温暖的手绘插画配简短文字，适合 3～6 岁亲子共读。",
                    "圆角设计，加厚铜版纸不容易撕破。",
                ],
                "For ages 3 to 6, with rounded corners and sturdy pages.",
                ["绘本", "亲子阅读", "Picture Book", "儿童"],
                brands=[("Paper Kite", "纸鸢"), ("Slow Days", "半日闲")],
            ),
            _item(
                "钢笔礼盒",
                "Fountain Pen",
                "pens",
                (99, 499),
                [("EF尖", "EF Nib"), ("F尖", "F Nib"), ("附墨水套装", "With Ink Set")],
                [("墨黑", "Ink Black"), ("松绿", "Pine Green"), ("酒红", "Burgundy")],
                [
                    "铱金笔尖书写顺滑，墨囊和上墨器都能用。",
                    "金属笔身配皮质笔套，适合送给老师和毕业生。",
                ],
                "Takes cartridges or a converter.",
                ["钢笔", "礼物", "Fountain Pen", "书写"],
                brands=[("Inkwell", "墨池")],
            ),
            _item(
                "固体水彩颜料",
                "Solid Watercolour Set",
                "palette",
                (59, 399),
                [
                    ("24色", "24 Colours"),
                    ("36色", "36 Colours"),
                    ("48色 艺术家级", "48 Colours, Artist Grade"),
                ],
                [("铁盒", "Tin"), ("便携装", "Travel Size")],
                [
                    "颜料颗粒细腻，色彩通透，叠色不发脏。",
                    "附赠水笔和调色盘，旅行写生随手就能画。",
                ],
                "Comes with a water brush for sketching on the go.",
                ["水彩", "绘画", "Watercolour", "写生"],
                brands=[("Inkwell", "墨池"), ("Paper Kite", "纸鸢")],
                suffixes=["", "", "学生", "文具控"],
            ),
        ],
    },
    "fresh": {
        "hue": 32,
        "brands": [
            ("Jiangnan Fresh", "江南鲜"),
            ("Farm Morning", "晨田农场"),
            ("Orchard Lane", "果园巷"),
        ],
        "suffixes": ["", "", "产地直发", "顺丰冷链", "现摘现发"],
        "items": [
            _item(
                "仙居杨梅",
                "Xianju Bayberries",
                "fruit",
                (89, 299),
                [
                    ("东魁大果", "Dongkui Large"),
                    ("荸荠种", "Biqi Variety"),
                    ("精选礼盒", "Gift Box"),
                ],
                ["1kg", "1.5kg", "2.5kg"],
                [
                    "产自浙江仙居，6 月当季现摘，果肉饱满多汁，酸甜适中。",
                    "泡沫箱加冰袋冷链发货，收到后用淡盐水泡 10 分钟再吃。",
                ],
                "Picked in June and shipped on ice.",
                ["杨梅", "当季水果", "Fresh Fruit", "仙居"],
                brands=[("Orchard Lane", "果园巷"), ("Jiangnan Fresh", "江南鲜")],
            ),
            _item(
                "临安春笋",
                "Lin'an Spring Bamboo Shoots",
                "shoots",
                (39, 169),
                [
                    ("带壳鲜笋", "Fresh in Husk"),
                    ("剥壳 真空装", "Peeled, Vacuum-packed"),
                ],
                ["1kg", "2.5kg", "5kg"],
                [
                    "天目山脚下的竹林清晨现挖，笋肉白嫩，适合油焖春笋或腌笃鲜。",
                    "收到后尽快焯水，冷藏可以保存三天。",
                ],
                "Blanch soon after arrival; keeps three days in the fridge.",
                ["春笋", "时令", "Vegetables", "临安"],
                brands=[("Farm Morning", "晨田农场"), ("Jiangnan Fresh", "江南鲜")],
            ),
            _item(
                "舟山东海带鱼",
                "Zhoushan Hairtail Fish",
                "fish",
                (59, 329),
                [
                    ("精选中段", "Centre Cuts"),
                    ("冰鲜整条", "Whole, Chilled"),
                    ("宽体一刀切", "Wide-cut Steaks"),
                ],
                ["500g", "1kg", "2kg"],
                [
                    "东海捕捞，船上急冻锁鲜，银鳞完整，肉质细嫩。",
                    "已去头去内脏，解冻后可以干煎、红烧或清蒸。",
                ],
                "Cleaned and ready to pan-fry, braise or steam.",
                ["带鱼", "海鲜", "Seafood", "舟山"],
                brands=[("Jiangnan Fresh", "江南鲜")],
            ),
            _item(
                "奉化水蜜桃",
                "Fenghua Honey Peaches",
                "fruit",
                (69, 259),
                [
                    ("特大果", "Jumbo"),
                    ("精品礼盒", "Gift Box"),
                    ("家庭装", "Family Pack"),
                ],
                [("6个", "6 pcs"), ("12个", "12 pcs"), ("5斤", "2.5kg")],
                [
                    "宁波奉化原产，皮薄多汁，轻轻一撕就能剥皮，甜度 14 度以上。",
                    "独立网套加蛋托包装，到手常温放一天，软熟后最好吃。",
                ],
                "Let them soften at room temperature for a day.",
                ["水蜜桃", "奉化", "Fresh Fruit", "夏季"],
                brands=[("Orchard Lane", "果园巷"), ("Farm Morning", "晨田农场")],
            ),
            _item(
                "赣南脐橙",
                "Gannan Navel Oranges",
                "fruit",
                (39, 119),
                [
                    ("果园直发", "Orchard Direct"),
                    ("大果 80mm+", "Large 80mm+"),
                    ("精选中果", "Medium Select"),
                ],
                [("5斤", "2.5kg"), ("10斤", "5kg")],
                [
                    "江西赣州果园直采，果皮薄，橙肉细嫩化渣，鲜吃榨汁都好。",
                    "不打蜡不染色，放在阴凉通风处可以保存两周。",
                ],
                "Unwaxed; keeps for two weeks somewhere cool.",
                ["脐橙", "橙子", "Vitamin C", "水果"],
                brands=[("Orchard Lane", "果园巷"), ("Farm Morning", "晨田农场")],
            ),
            _item(
                "有机小番茄",
                "Organic Cherry Tomatoes",
                "fruit",
                (29, 109),
                [
                    ("千禧", "Qianxi Red"),
                    ("黄串珠", "Yellow Pearl"),
                    ("混色", "Mixed Colours"),
                ],
                ["500g", "1.5kg", "2.5kg"],
                [
                    "大棚有机种植，自然成熟后才采摘，皮薄汁多，可以直接当水果吃。",
                    "清水冲洗就能吃，冷藏五天内风味最好。",
                ],
                "Rinse and eat; no peeling needed.",
                ["小番茄", "有机", "Organic", "轻食"],
                brands=[("Farm Morning", "晨田农场")],
            ),
        ],
    },
}


# ------------------------------------------------------------------------ content
#
# What the creators post. `products` are (category, item) pairs from CATALOGUE,
# optionally with a word the product's Chinese variant should contain; the seeder
# tags a matching product (or, in a small catalogue, the nearest thing it has).
# `caption` goes on the paper strip in the first photo, so it stays in Latin
# letters: the drawing font has no Chinese.


def _post(paragraphs, products, caption):
    return {"body": "\n\n".join(paragraphs), "products": products, "caption": caption}


POSTS = {
    "lily_eats": [
        _post(
            [
                "打工人下午四点的续命小零食来啦！🥜",
                "最近办公室抽屉里常备两样：**临安山核桃仁**和每日坚果。"
                "山核桃仁是剥好的，香得很扎实，一点都不苦；每日坚果一天一包刚刚好，"
                "不会一不小心吃掉半罐。",
                "同事已经被我安利了三个，下周三直播再给大家现场开一袋～",
            ],
            [("food", "临安山核桃仁"), ("food", "每日坚果")],
            "4pm snack break",
        ),
        _post(
            [
                "深夜放毒：螺蛳粉真的是**闻着臭、吃着香**的代表。",
                "煮的时候记得开窗！酸笋一定要全放，腐竹泡软了吸满汤汁才是灵魂。"
                "我一般再加一个煎蛋和几根青菜，罪恶感瞬间减半 😂 不能吃辣的姐妹，"
                "辣油先放一半。",
            ],
            [("food", "螺蛳粉")],
            "late night noodles",
        ),
        _post(
            [
                "周末的一人下午茶：**蛋黄酥配一杯龙井**。",
                "蛋黄酥放进空气炸锅 160 度回烤 3 分钟，酥皮会重新变得掉渣，"
                "咸蛋黄沙沙的。配绿茶刚好解腻，一口甜一口茶，幸福感拉满。",
            ],
            [("food", "蛋黄酥"), ("tea-drinks", "西湖龙井")],
            "afternoon tea for one",
        ),
        _post(
            [
                "杨梅季只有短短几周，**错过就要再等一年**！今年的第一口夏天 #时令水果",
                "这次的仙居杨梅个头很大，颜色紫红到发黑，甜里带一点点酸。几个小 tips：",
                "- 收到先用淡盐水泡 15 分钟\n"
                "- 吃不完放冰箱，两天内吃完\n"
                "- 剩下的可以泡杨梅酒",
            ],
            [("fresh", "仙居杨梅")],
            "bayberry season",
        ),
        _post(
            [
                "追剧零食清单，**按上瘾程度排序**：",
                "1. 手撕牛肉干：有嚼劲，越嚼越香，一集能吃完一包\n"
                "2. 海苔脆：薄薄一层夹着芝麻，咔嚓咔嚓很解压\n"
                "3. 每日坚果：零食吃多了良心不安的时候来一包",
                "你们追剧都配什么？评论区交作业～",
            ],
            [("food", "手撕牛肉干"), ("food", "海苔脆"), ("food", "每日坚果")],
            "binge-watch snacks",
        ),
        _post(
            [
                "Friday night snack board for two 🎬",
                "Cherry tomatoes for balance, **seaweed crisps** for crunch, and "
                "egg-yolk pastries because it's Friday. Everything arrived the next "
                "day. Honestly the tomatoes stole the show — 小番茄真的甜到我了。",
            ],
            [("fresh", "有机小番茄"), ("food", "海苔脆"), ("food", "蛋黄酥")],
            "friday snack board",
        ),
    ],
    "amber_skin": [
        _post(
            [
                "换季烂脸自救，敏感肌姐妹看过来。",
                "最近脸颊一直泛红起皮，我把护肤**精简成三步**：",
                "- 温和洁面，只在晚上洗\n"
                "- 舒缓精华，两三滴就够\n"
                "- 神经酰胺面霜厚涂一层",
                "坚持了十天，泛红明显退了。屏障受损的时候真的别再叠酸了，"
                "**少即是多**。",
            ],
            [("beauty", "精华液", "积雪草"), ("beauty", "修护面霜", "神经酰胺")],
            "barrier repair, 3 steps",
        ),
        _post(
            [
                "通勤防晒我只认一个标准：**不搓泥、不假白、不闷痘**。",
                "这支是流动的乳液质地，推开几秒就成膜，后面叠粉底也不搓泥。出门前 15 "
                "分钟涂，一元硬币大小的量才够涂全脸，千万别省！",
            ],
            [("beauty", "防晒霜 SPF50+ PA++++")],
            "daily spf",
        ),
        _post(
            [
                "本月空瓶 ✨ 只说真心话：",
                "- **氨基酸洁面**：第三支了，洗完不紧绷，继续回购\n"
                "- **面膜**：熬夜后急救好用，精华液很多，敷完记得按摩吸收\n"
                "- **精华**：中规中矩，不会特意回购",
                "敏感肌选东西真的不用追新，找到不踩雷的就好好用下去。",
            ],
            [("beauty", "氨基酸洁面乳"), ("beauty", "面膜"), ("beauty", "精华液")],
            "empties & repurchases",
        ),
        _post(
            [
                "Swatching the velvet matte lipsticks on my very pale, very dry lips.",
                "The texture is **soft, not drying**, and it doesn't settle into "
                "lines after four hours. Tip: dab it on with a fingertip for a "
                "blurred, everyday look. 薄涂是日常气色，叠涂就很有气场。",
            ],
            [("beauty", "丝绒雾面口红")],
            "everyday lip",
        ),
        _post(
            [
                "聊聊「内调」，先说结论：**别神化，也别全盘否定**。",
                "胶原蛋白肽我当成一瓶好喝的饮料，配合早睡和防晒才有意义；"
                "维C泡腾片是加班季的心理安慰，味道还挺好。护肤说到底还是**睡觉、防晒、"
                "少折腾**。",
            ],
            [("health", "胶原蛋白肽口服液"), ("health", "维生素C 泡腾片")],
            "inner care, honestly",
        ),
    ],
    "chef_laowang": [
        _post(
            [
                "春天一定要做一次**油焖春笋**！",
                "笋切滚刀块先焯水去涩，铸铁锅里多放点油，把笋煸到边缘微黄，再下生抽、"
                "老抽和冰糖，小火焖 15 分钟收汁。铸铁锅保温好，焖出来油亮入味。"
                "老王的秘诀：**糖要比你想的多一点**。",
            ],
            [("kitchen", "珐琅铸铁锅"), ("fresh", "临安春笋")],
            "braised spring shoots",
        ),
        _post(
            [
                "用空气炸锅做**香酥带鱼**，不溅油，厨房也不烟熏。",
                "1. 带鱼段用料酒、姜片、盐腌 20 分钟\n"
                "2. 擦干水分，两面刷一层薄油\n"
                "3. 200 度 12 分钟，中途翻面",
                "外皮焦香，里面的肉还是嫩的，家里老人孩子都爱吃。",
            ],
            [("kitchen", "空气炸锅"), ("fresh", "舟山东海带鱼")],
            "air-fried ribbonfish",
        ),
        _post(
            [
                "番茄炒蛋人人会做，想做好有**两个关键**：蛋要大火快炒先盛出来，"
                "番茄要炒出沙再让蛋回锅。",
                "用小番茄做酸甜味更足，不粘锅少放油也不粘底，新手也能做得漂亮。"
                "今晚就试试吧！",
            ],
            [("kitchen", "不粘炒锅"), ("fresh", "有机小番茄")],
            "tomato & eggs, chef style",
        ),
        _post(
            [
                "料理棒是我厨房里**使用频率最高**的小家电，没有之一。",
                "今天用它做南瓜浓汤：南瓜蒸熟，倒入热牛奶，直接在锅里打三十秒，"
                "顺滑得像饭店出品。清洗也方便，刀头拧下来冲一冲就好。",
            ],
            [("kitchen", "手持料理棒 Hand Blender")],
            "five-minute soup",
        ),
        _post(
            [
                "很多粉丝问：刚搬家，厨房小家电先买哪几样？老王的建议：",
                "- **电热水壶**：选不锈钢或玻璃内胆，别买带塑料内衬的\n"
                "- **空气炸锅**：两口之家 4.5L 足够，可视窗很实用\n"
                "- **不粘炒锅**：涂层锅别用铁铲，寿命能多一倍",
                "其他网红小家电，先忍一忍，真用得上再买。",
            ],
            [("kitchen", "电热水壶"), ("kitchen", "空气炸锅"), ("kitchen", "不粘炒锅")],
            "new kitchen starter kit",
        ),
    ],
    "mia_hikes": [
        _post(
            [
                "莫干山 12 公里路测 🥾 这双**轻量徒步鞋**第一次上脚就走长线，"
                "居然没磨脚。",
                "下坡碎石路抓地很稳，脚踝支撑也够。一定要配羊毛徒步袜，出汗不闷、"
                "不起水泡。Happy feet, happy hike.",
            ],
            [("shoes-bags", "轻量徒步鞋"), ("sports", "美利奴羊毛徒步袜")],
            "moganshan, 12 km",
        ),
        _post(
            [
                "First overnight camp of the year ⛺",
                "The two-person tent went up in about ten minutes, even with cold "
                "fingers. It rained at 3 a.m. and **everything stayed dry**. "
                "下山的时候登山杖真的救了我的膝盖，长下坡一定要带！",
            ],
            [("sports", "双人帐篷"), ("sports", "碳素登山杖")],
            "first night under canvas",
        ),
        _post(
            [
                "What's in my day pack for a summer hike:",
                "- a **backpack with a hip belt**, so the weight sits on your hips\n"
                "- a big water bottle (plus electrolytes)\n"
                "- a UPF50+ sun hoodie, because shade is rare up there",
                "夏天徒步最怕的不是累，是晒和缺水。Pack light, but never skip water.",
            ],
            [
                ("shoes-bags", "双肩包", "户外"),
                ("sports", "Tritan 运动水壶"),
                ("fashion", "UPF50+ 防晒衣"),
            ],
            "what's in my day pack",
        ),
        _post(
            [
                "四姑娘山遇到了**一天四季**：早上晴，中午冰雹，下午下雨。",
                "三合一冲锋衣的外壳防水，内胆可以拆下来单穿，"
                "温差大的地方真的需要这种灵活搭配。淋了两个小时雨，里面的衣服还是干的 "
                "🙌",
            ],
            [("fashion", "三合一冲锋衣")],
            "four seasons in a day",
        ),
        _post(
            [
                "夏天最快乐的户外方式：**溯溪**！",
                "溯溪鞋排水很快，在长青苔的石头上也踩得稳。提醒大家："
                "第一次去一定要跟有经验的领队，下过雨不要进山谷。Stay safe and have "
                "fun!",
            ],
            [("shoes-bags", "溯溪鞋")],
            "creek walking",
        ),
    ],
    "susu_tea": [
        _post(
            [
                "How I brew Longjing at home 🍵 新茶季到了，教大家在家泡好一杯龙井：",
                "- 用玻璃杯，**水温 80–85°C**，别用滚水\n"
                "- 3 克茶，先注三分之一的水，轻轻摇香\n"
                "- 再加水到七分满，等一分钟",
                "看茶叶在杯里一片片舒展开，是春天最好的仪式感。",
            ],
            [("tea-drinks", "西湖龙井", "明前")],
            "how i brew longjing",
        ),
        _post(
            [
                "冷知识：**安吉白茶其实是绿茶**，只是叶色偏白，所以叫白茶。",
                "它的氨基酸含量很高，喝起来鲜爽，几乎没有苦涩味，"
                "特别适合刚开始喝茶的朋友。茶席上摆了一只小花瓶，插一枝楼下捡的野花。"
                "A gentle first green tea.",
            ],
            [("tea-drinks", "安吉白茶"), ("home", "陶瓷花瓶")],
            "anji white tea",
        ),
        _post(
            [
                "天凉了就想喝红茶。九曲红梅是杭州本地的红茶，**蜜香里带一点果香**，"
                "放凉了也不涩。",
                "晚上点一支蜡烛，泡一壶红茶，看半本书，就是我理想中的冬夜。",
            ],
            [("tea-drinks", "九曲红梅 红茶"), ("home", "香薰蜡烛")],
            "black tea evenings",
        ),
        _post(
            [
                "Cold brew tea season is here ☀️",
                "Drop one tea bag into 500ml of cold water and leave it in the fridge "
                "for **six to eight hours**. It comes out sweet and never bitter. "
                "冷泡茶几乎不苦，咖啡因也更低，下午喝也不影响睡觉。",
            ],
            [("tea-drinks", "冷泡茶 三角茶包")],
            "cold brew season",
        ),
        _post(
            [
                "周日下午的**半日闲**：一杯桂花龙井，一本《一杯茶的时间》。",
                "桂花窨制的龙井，开汤就是满屋桂花香，但茶味没有被盖住。"
                "书里有一句话很喜欢：「慢下来，茶才会告诉你它的故事。」",
            ],
            [("tea-drinks", "桂花龙井"), ("books", "散文集《一杯茶的时间》")],
            "a slow sunday",
        ),
        _post(
            [
                "给妈妈寄了一箱**红枣枸杞养生茶**，她说比我泡的龙井好喝 😂",
                "老人家胃不太好，绿茶喝多了不舒服，这种花果茶温和，一包一杯也方便。"
                "Tea is for everyone — it doesn't have to be fancy.",
            ],
            [("health", "红枣枸杞养生茶")],
            "tea for mum",
        ),
    ],
    "yoyo_mama": [
        _post(
            [
                "二胎妈妈的**囤货清单**来啦，新手爸妈可以直接抄作业：",
                "- 纸尿裤：别一次囤太多同一个码，宝宝长得比你想的快\n"
                "- 湿巾：手口专用和普通款分开买\n"
                "- 隔尿垫：多多益善",
                "老大那时候我囤了六箱 S 码，最后送人了三箱……都是泪。",
            ],
            [("mother-baby", "纸尿裤"), ("mother-baby", "婴儿湿巾", "手口")],
            "stock-up list",
        ),
        _post(
            [
                "我们家老二是个**胀气宝宝**，换了三款奶瓶才找到合适的。",
                "宽口径玻璃奶瓶好清洗，可以直接高温消毒；防胀气的通气阀装好以后，"
                "喝完打嗝明显少了。每个宝宝都不一样，大家按需选择哦。",
            ],
            [("mother-baby", "宽口径玻璃奶瓶", "防胀气")],
            "bottle time",
        ),
        _post(
            [
                "遛娃神器 get！这台推车**一只手就能收车**，抱着娃也能操作。",
                "收起来能塞进小车后备箱，带两个娃出门终于不用全家总动员了。"
                "小缺点是篮子有点小，装不下太多东西。",
            ],
            [("mother-baby", "婴儿推车")],
            "one-hand fold",
        ),
        _post(
            [
                "睡前三件套：洗澡、换上软软的**纯棉连体衣**、读一本绘本。",
                "姐姐最近迷上了给弟弟讲故事，虽然弟弟只会啃书角 😂 坚持了一个月，"
                "两个娃都能在九点前睡着了。",
            ],
            [("books", "儿童绘本"), ("mother-baby", "纯棉连体衣")],
            "bedtime stories",
        ),
        _post(
            [
                "姐姐上幼儿园啦！开学装备分享：",
                "- **儿童保温杯**：吸管款不会洒，老师推荐带这种\n"
                "- 每日坚果：放学路上的小零食\n"
                "- 益生菌：换季容易闹肚子的时候备着",
                "第一天她没哭，反倒是我在门口哭了。",
            ],
            [
                ("mother-baby", "儿童保温杯", "吸管"),
                ("food", "每日坚果", "儿童"),
                ("health", "益生菌冻干粉", "儿童"),
            ],
            "first day of kindergarten",
        ),
    ],
    "kai_tech": [
        _post(
            [
                "地铁降噪实测 🎧 早高峰的 2 号线，打开降噪后**报站声都快听不见了**。",
                "连续戴两小时耳朵不胀不疼。缺点也说一下：通话降噪一般，"
                "风大的地方对方会听到呼呼声。",
            ],
            [("electronics", "真无线蓝牙耳机", "降噪")],
            "anc on the metro",
        ),
        _post(
            [
                "Desk setup v2 is finally done.",
                "- a compact **mechanical keyboard** (very satisfying to type on)\n"
                "- a small Bluetooth speaker for lo-fi while I work\n"
                "- one GaN charger for the laptop, phone and watch",
                "Fewer cables, more space. 桌面干净了，写代码的心情都变好了。",
            ],
            [
                ("electronics", "机械键盘"),
                ("electronics", "桌面蓝牙音箱"),
                ("electronics", "氮化镓充电器 GaN"),
            ],
            "desk setup v2",
        ),
        _post(
            [
                "出差三天的**极简数码包**：手机、手表、一个磁吸充电宝。",
                "充电宝吸在手机背后就能充，开会时也不用拖着线；"
                "手表一次充电撑完整趟出差，不用再多带一个充电器。",
            ],
            [("electronics", "磁吸充电宝", "磁吸"), ("electronics", "智能手表")],
            "business trip kit",
        ),
        _post(
            [
                "打工人的桌面咖啡角 ☕ 终于入了一台**半自动咖啡机**。",
                "新手最难的是打奶泡，我练了一周才打出能拉花的绵密奶泡。"
                "每天省下一杯外卖咖啡的钱，半年回本，这账算得过来。",
            ],
            [("kitchen", "半自动咖啡机"), ("tea-drinks", "挂耳咖啡")],
            "desk coffee corner",
        ),
        _post(
            [
                "周五开箱：**一个充电头带全家**。",
                "多口氮化镓充电器同时给笔记本、手机、耳机充电，"
                "体积只有笔记本原装充电器的一半。满载半小时摸上去温温的，可以接受。"
                "Verdict: worth it if you travel.",
            ],
            [("electronics", "氮化镓充电器 GaN")],
            "one charger for everything",
        ),
    ],
    "ming_and_cats": [
        _post(
            [
                "为了一口**冻干**，橘子学会了握手 🐾",
                "冻干是纯肉做的，撕成小块当训练奖励刚好。零食再好也别多给，"
                "一天几块就够，主食还是要吃好。年糕在旁边看得口水都要流下来了。",
            ],
            [("pets", "冻干猫零食")],
            "will shake hands for snacks",
        ),
        _post(
            [
                "三猫家庭的**猫砂测评**，用了一个月的真实感受：",
                "- 结团快，铲起来不散\n"
                "- 粉尘少，芝麻有鼻炎也没打喷嚏\n"
                "- 可以直接冲马桶，太省事了",
                "缺点是受潮会变软，记得放在干燥的地方。",
            ],
            [("pets", "豆腐猫砂")],
            "three-cat litter test",
        ),
        _post(
            [
                "芝麻是出了名的**不爱喝水**，兽医说猫咪喝水少容易有泌尿问题。",
                "装了流动的饮水机之后，她每天要去喝好几次，还喜欢用爪子拨水玩。"
                "水泵很安静，晚上也听不到声音。",
            ],
            [("pets", "宠物自动饮水机")],
            "sesame drinks water now",
        ),
        _post(
            [
                "换粮记录：三只猫都换成了**无谷全价猫粮**，"
                "新旧粮按比例混着过渡了七天，没有软便。",
                "吃饱了就要陪玩！逗猫棒每天十五分钟，年糕胖了半斤，终于开始瘦了 😹",
            ],
            [("pets", "无谷全价猫粮"), ("pets", "逗猫棒")],
            "dinner, then playtime",
        ),
        _post(
            [
                "Bought a storage basket for the living room. **The cats had other "
                "plans.**",
                "Niangao claimed it within five minutes and now naps in it every "
                "afternoon. 收纳筐：没收纳到东西，收纳了一只猫。New bedding for my "
                "own bed is next — if they let me keep it.",
            ],
            [("home", "棉麻收纳筐"), ("home", "水洗棉床品四件套")],
            "the basket is taken",
        ),
    ],
}

# How each creator's photos look: the tabletop (a background in demo_art), its hue
# and the props scattered around the products (demo_art props or product shapes).
LOOKS = {
    "lily_eats": {
        "background": "gingham",
        "hue": 8,
        "props": ["fruit", "flower", "beans"],
    },
    "amber_skin": {
        "background": "marble",
        "hue": 330,
        "props": ["flower", "sprig", "petals"],
    },
    "chef_laowang": {
        "background": "wood",
        "hue": 30,
        "props": ["shoots", "sprig", "fruit"],
    },
    "mia_hikes": {
        "background": "topo",
        "hue": 150,
        "props": ["compass", "sprig", "note"],
    },
    "susu_tea": {"background": "linen", "hue": 96, "props": ["sprig", "cup", "petals"]},
    "yoyo_mama": {
        "background": "dots",
        "hue": 200,
        "props": ["flower", "note", "petals"],
    },
    "kai_tech": {
        "background": "grid",
        "hue": 215,
        "props": ["note", "beans", "sprig"],
    },
    "ming_and_cats": {
        "background": "terrazzo",
        "hue": 24,
        "props": ["yarn", "paw", "flower"],
    },
}

# Shoppers' comments: any post, then per creator; English for English-speaking
# shoppers.
COMMENTS = {
    "zh": [
        "求链接！",
        "已下单，期待～",
        "收藏了，周末就试试",
        "博主好真诚，关注了",
        "蹲一个后续",
        "看饿了 😭",
        "颜色好好看",
        "请问多久发货呀？",
        "同款！真的好用",
        "终于有人说实话了",
        "已加购物车",
        "刚好需要，谢谢分享",
        "第二次回购了",
        "照片拍得也太好看了吧",
        "马住！",
        "作业抄走了",
    ],
    "en": [
        "Does it come in blue?",
        "Adding this to my cart.",
        "Love this photo!",
        "How long did shipping take?",
        "Saved for later 🙌",
        "Honest review, thank you.",
        "Is it worth the price?",
        "Just ordered one!",
    ],
}
CREATOR_COMMENTS = {
    "lily_eats": {
        "zh": [
            "山核桃真的香，我也在囤",
            "隔着屏幕都闻到了哈哈哈",
            "周三直播见！",
            "杨梅酒怎么泡？求教程",
        ],
        "en": ["What would you pair with it?", "Now I'm hungry."],
    },
    "amber_skin": {
        "zh": [
            "敏感肌可以用吗？",
            "面霜会闷痘吗？",
            "这个需要卸妆吗？",
            "不是广告，信你",
        ],
        "en": ["Is it fragrance-free?", "Which shade are you wearing?"],
    },
    "chef_laowang": {
        "zh": [
            "老王出教程太好了",
            "今晚就做！",
            "铸铁锅重不重啊？",
            "跟着做成功了，家里人都夸",
        ],
        "en": ["Can I use frozen fish?", "Made this tonight, so good."],
    },
    "mia_hikes": {
        "zh": ["这是哪条线呀？", "鞋子偏码吗？", "帐篷多重？", "求路线！"],
        "en": ["Which trail is this?", "How heavy is the tent?"],
    },
    "susu_tea": {
        "zh": [
            "学到了，原来不能用开水",
            "桂花龙井好香",
            "想去杭州喝茶了",
            "苏苏的茶席好美",
        ],
        "en": ["Thank you for the brewing tips!", "What water do you use?"],
    },
    "yoyo_mama": {
        "zh": [
            "新手妈妈收藏了",
            "推车能上飞机吗？",
            "同是二胎妈妈，太有共鸣了",
            "几个月的宝宝能用？",
        ],
        "en": ["Is it easy to clean?", "Saving this for my sister."],
    },
    "kai_tech": {
        "zh": [
            "和某果比怎么样？",
            "键盘是什么轴？",
            "周五等开箱",
            "充电宝能带上飞机吗？",
        ],
        "en": ["How's the battery life?", "Does it work with Android?"],
    },
    "ming_and_cats": {
        "zh": ["橘子太可爱了！", "芝麻好美", "年糕减肥加油", "我家猫也不爱喝水，冲了"],
        "en": ["Your cats are adorable!", "Which flavour do they like best?"],
    },
}
