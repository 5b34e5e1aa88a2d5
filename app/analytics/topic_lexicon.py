"""The word lists behind the comment topics (app/analytics/topics.py): negative topics and their
complaint expressions, a sentiment lexicon with negators and degree words, stop words, and the
live-commerce words jieba should keep whole. Chinese and English.

Patterns are regular expressions over a normalised clause (NFKC, lower case, emoji removed, runs of
one character cut to three); clauses are already split at punctuation, so ``.`` stays in one.
A *strong* pattern is a complaint by itself (假货, 卡了, 还没发货) and counts in a question too
("是不是假货啊" is a doubt the host must answer); a *weak* one (退款, 偏小, sold out) counts only in a
clause that is neither a question ("可以七天无理由退货吗") nor positive ("退款很快").
"""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class TopicRule:
    term: str
    """The topic's name, Chinese (Topic.term of a negative topic)."""
    en: str
    """What it is about, in English, for the report."""
    strong: tuple[str, ...]
    weak: tuple[str, ...] = ()
    suppress: str = ""
    """A clause matching this regex does not count for the topic (another topic owns it)."""


_W = r".{0,6}"  # a few characters between an aspect and its complaint
_EN_GAP = r"[^.!?]{0,24}?"

NEGATIVE_TOPICS: tuple[TopicRule, ...] = (
    TopicRule(
        "发货慢",
        "slow shipping",
        strong=(
            r"(还|一直|迟迟|怎么|咋|为什么|为啥|都|还是)(是)?(没|不|没有)(发货|发|到|收到|寄)",
            r"说好.{0,8}(发货|发|到)",
            r"(物流|快递).{0,8}(已揽收|停|没动静)|一直.{0,2}已揽收",
            r"(没|未)(收到|到)货",
            r"没收到",
            r"(发货|物流|快递|配送|送货|到货|包裹)"
            + _W
            + r"(慢|太久|好久|拖|延迟|不动|没动|没更新|不更新|还没|没到|没发)",
            r"(慢|太久|好久)" + r".{0,3}(发货|物流|快递)",
            r"(天|周|星期|个月)了?.{0,4}(还没|都没|没|还不|不)(发|到|收到|寄|动)",
            r"发货.{0,4}(快点|快一点|能不能快|能快点)",
            r"还在路上",
            r"\b(shipping|delivery|shipment|package|parcel|order)\b"
            + _EN_GAP
            + r"\b(slow|late|forever|delayed|stuck)\b",
            r"\b(slow|late|delayed)\b.{0,12}\b(shipping|delivery)\b",
            r"\b(hasn't|has not|haven't|have not|not yet|never|still not)\s+(been\s+)?"
            r"(shipped|received|arrived|delivered|come|came)\b",
            r"\bnever (arrived|came)\b",
            r"\btook forever\b",
            r"\bwhere('s| is) my (order|package|parcel|stuff)\b",
        ),
    ),
    TopicRule(
        "假货",
        "fake",
        strong=(
            r"假货",
            r"(是|像|收到的是|买的是|都是|全是)假的",
            r"假的吧",
            r"高仿|仿品|仿的|山寨|冒牌|盗版|水货|a货",
            r"(不是|不像|非)正品",
            r"\bfake\b",
            r"\bcounterfeit\b",
            r"\bknock-?offs?\b",
            r"\breplicas?\b",
            r"\bnot (genuine|authentic|original|real)\b",
            r"\beven (the )?(real|genuine|authentic|original)\b",
        ),
    ),
    TopicRule(
        "尺码",
        "sizing",
        strong=(
            r"(尺码|码数|码子|尺寸|鞋码|号码|size)"
            + r".{0,4}(不准|不对|偏小|偏大|太小|太大|小了|大了|不标准|不合适|有问题|不一样|乱)",
            r"穿不(上|下|进)",
            r"(大|小)了(一|两|二|半|1|2)?个?(码|号)",
            r"(短|长|肥|紧|松)了(一截|一大截|好多|很多)",
            r"挤脚|不合身",
            r"\b(runs?|running) (small|large|big)\b",
            r"\btoo (small|big|tight|loose)\b",
            r"\b(size|sizing|size chart|fit)\b" + _EN_GAP + r"\b(wrong|off|inaccurate|way off)\b",
            r"\b(doesn't|does not|didn't|did not) fit\b",
        ),
        weak=(r"偏(小|大)", r"太(小|大)了", r"(大|小)(一|两|半|1|2)个?(码|号)"),
    ),
    TopicRule(
        "退款",
        "refund",
        strong=(
            r"(要|想|申请|给我|必须|要求|怎么|如何|马上|赶紧)(退款|退货|退钱|退)",
            r"退(款|货|钱)" + r".{0,8}(到账|没退|还没|没处理|不处理|一直|没到|没回|半个月|一周|拒绝|不给)",
            r"(不给|不让|不能|不肯|拒绝|拒)退",
            r"退不了",
            r"钱.{0,4}(还没|没)退",
            r"\b(want|need|demand|requesting|get|give me)\s+(a |my |the )?(refund|money back)\b",
            r"\bmoney back\b",
            r"\breturn (it|this|them|mine)\b",
        ),
        weak=(r"退款|退货|退钱", r"\brefunds?\b"),
    ),
    TopicRule(
        "贵",
        "expensive",
        strong=(
            r"(太|好|真|很|挺|有点|有些|这么|那么|也太|死|偏)贵",
            r"贵(了|死|爆)",
            r"^贵+$",
            r"(比|别家|外面|旗舰店|官网).{0,6}贵",
            r"(上次|昨天|之前|平时|别家|超市|外面|旗舰店|官网|专柜|网上).{0,8}(才|只要|只卖|才卖)",
            r"(涨价|加价|价格.{0,2}涨)",
            r"不值(得|这个价|这价)?",
            r"不划算",
            r"价格.{0,3}(太高|好高|偏高|虚高|高了|离谱)",
            r"割韭菜|智商税|坑钱|宰人",
            r"\btoo expensive\b",
            r"\boverpriced\b",
            r"\bpricey\b",
            r"\brip-?off\b",
            r"\bnot worth (it|the price|the money)\b",
            r"\bcheaper (elsewhere|on|at|in)\b",
            r"\bprices? (went|goes|has gone|have gone) up\b",
            r"\bmore expensive than\b",
        ),
        weak=(r"\bexpensive\b",),
        suppress=r"邮费|运费|shipping",
    ),
    TopicRule(
        "卡顿",
        "stream stutters",
        strong=(
            r"卡顿",
            r"(好|太|很|又|一直|老是|总是|有点|真|超)卡",
            r"卡(了|死|住|成|得|爆|卡)",
            r"^卡+$",
            r"(画面|直播|视频|网|画质|声音).{0,3}卡",
            r"黑屏|花屏|转圈",
            r"加载(不出|不了|中|半天)",
            r"(没|没有)(声音|画面)(了)?$",
            r"声音.{0,4}(断|没了|听不见|听不到)",
            r"断断续续|一顿一顿|一卡一卡",
            r"(声音|嘴|口型|音画).{0,6}(对不上|不同步)",
            r"(画面|视频|画质).{0,3}(糊|模糊|不清)",
            r"\blag(gy|ging|s)?\b",
            r"\bbuffer(ing|s)?\b",
            r"\b(frozen|freezes|freezing|froze)\b",
            r"\bstutter(s|ing)?\b",
            r"\bno (sound|audio|picture)\b",
            r"\bblack screen\b",
            r"\bscreen (went|is|goes|turned) (black|blank)\b",
            r"\bchoppy\b",
        ),
    ),
    TopicRule(
        "质量差",
        "poor quality",
        strong=(
            r"(质量|做工|材质|面料|品质|料子|布料|用料)"
            + r".{0,4}(差|不好|一般|垃圾|粗糙|不行|烂|不怎么样|很薄|太薄|廉价|有问题|堪忧)",
            r"起球|掉色|褪色|缩水|开线|脱线|线头|劣质|廉价",
            r"(穿|用|洗)了?.{0,4}(就|都)(破|坏|烂|开线|变形|起球|掉色|缩水)",
            r"(破|坏|烂)了",
            r"就(坏|破|断|烂|裂|变形)",
            r"塑料味|异味|味道(很大|太大|好大|刺鼻)",
            r"\b(quality|material|fabric|stitching)\b" + _EN_GAP + r"\b(terrible|bad|poor|awful|cheap|horrible|crap)\b",
            r"\b(poor|bad|terrible|cheap|low|awful) quality\b",
            r"\b(broke|broken|fell apart|falls apart|ripped|torn|faded|shrank|pilling)\b",
            r"\b(came|come|comes|coming) (undone|apart|loose)\b",
        ),
    ),
    TopicRule(
        "色差",
        "not as pictured",
        strong=(
            r"色差.{0,3}(好大|太大|很大|大|严重|明显|离谱)",
            r"有色差$",
            r"(实物|颜色|收到的|东西|货).{0,8}(和|跟|与).{0,8}"
            r"(图|照片|直播间|视频|描述|展示|看到的).{0,6}(不一样|不符|不同|差太多|差很多|两回事)",
            r"(和|跟|与)(图片|照片|描述|图).{0,4}(不一样|不符|差太多|差很多)",
            r"货不对板|(实物|图片|描述|宣传)不符",
            r"颜色(偏|发)(黄|暗|灰|红|绿|白)",
            r"(颜色|实物).{0,3}比.{0,8}(暗|深|浅|淡|黄|灰|差)",
            r"(图片|图上|照片|直播间里?)是.{1,6}(收到|实物)的?是",
            r"\bnot (the )?(colou?r )?(as )?(shown|pictured|described)\b",
            r"\blooks? nothing like\b",
            r"\bcolou?r (is )?(different|off|wrong)\b",
            r"\bdifferent colou?r\b",
        ),
        weak=(r"色差",),
        suppress=r"尺码|尺寸|码数|\bsize",
    ),
    TopicRule(
        "客服",
        "customer service",
        strong=(
            r"(客服|售后|商家|店家).{0,6}(不回|不理|没人理|没人回|没回|不处理|态度差|态度不好|态度太差|敷衍|推脱"
            r"|踢皮球|机器人|没人管|找不到|联系不上|不管)",
            r"售后.{0,4}(差|没人管|根本)",
            r"没(有)?下文|石沉大海",
            r"\b(customer service|support|seller)\b"
            + _EN_GAP
            + r"\b(never|doesn't|does not|won't|didn't|no)\s+(replies|reply|respond|responds|answer|answers)\b",
            r"\b(customer service|support)\b (is )?(terrible|awful|useless|rude)\b",
            r"\b(customer service|support|seller|shop|store)\b" + _EN_GAP + r"\bignor(ed|es|ing)\b",
        ),
    ),
    TopicRule(
        "骗人",
        "misleading / scam",
        strong=(
            r"骗子|骗人|被骗|骗钱|忽悠|虚假宣传|套路|坑人|坑爹|欺骗|上当|假宣传|文字游戏",
            r"说是.{1,8}结果",
            r"\bscam(mer|mers|my|s)?\b",
            r"\bliars?\b",
            r"\blying\b",
            r"\bmisleading\b",
            r"\bfalse advertising\b",
            r"\bfraud\b",
        ),
    ),
    TopicRule(
        "抢不到",
        "sold out too fast",
        strong=(
            r"(抢|买|拍|秒)不到",
            r"没(抢|拍|买|秒)(到|上)",
            r"抢光|抢不上",
            r"秒没|秒光|一秒没|就没了|瞬间没了|又没了|一下就没",
            r"库存(太少|这么少|就这么点)",
            r"\b(didn't|did not|couldn't|could not|never) (get|grab|buy|snag) (one|it|any)\b",
            r"\bsold out (in|within|so fast|already|instantly)\b",
        ),
        weak=(r"售罄|卖完了|没货了|没库存", r"\bsold out\b"),
    ),
    TopicRule(
        "下单失败",
        "checkout fails",
        strong=(
            r"(下单|付款|支付|购买|结算|提交|拍).{0,4}(失败|不了|不成功|没反应|出错|报错|一直转)",
            r"(付|支付|买|拍)不了",
            r"链接.{0,3}(打不开|点不开|进不去|失效|没反应)",
            r"(点|按).{0,4}没反应",
            r"下不了单|(付|交)不了款|系统繁忙",
            r"加不了|加不进|(加购|购物车).{0,4}(失败|不了)",
            r"\b(checkout|check out|payment|order|pay|buy button)\b"
            + _EN_GAP
            + r"\b(fail|fails|failed|failing|error|broken|not working|doesn't work)\b",
            r"\b(can't|cannot|can not) (pay|check ?out|place (an |my |the )?order|buy)\b",
            r"\blink\b (is )?(broken|dead|doesn't work|not working)\b",
        ),
    ),
    TopicRule(
        "优惠券",
        "coupon problems",
        strong=(
            r"(券|优惠券|红包|满减|优惠)"
            r".{0,6}(用不了|不能用|用不上|领不到|领不了|没法用|无法使用|失效|不生效|没抵扣|抵扣不了|没减)",
            r"领不到(券|优惠券|红包)",
            r"(券|优惠券).{0,4}(没了|抢光)",
            r"没(有)?(减|抵扣)$|没给减",
            r"\bcoupons?\b" + _EN_GAP + r"\b(doesn't|does not|won't|didn't|not)\s+(work|apply|applied)\b",
            r"\b(can't|cannot|can not) (claim|use|apply|get) (the |a |my |any )?coupons?\b",
            r"\bcoupons? (is |are )?(invalid|expired|not working)\b",
        ),
    ),
    TopicRule(
        "不包邮",
        "shipping fee",
        strong=(
            r"不包邮",
            r"(还要|要|收)(邮费|运费)",
            r"(邮费|运费).{0,8}(贵|太高|好高|比)",
            r"偏远.{0,4}不包",
            r"\b(not|no) free shipping\b",
            r"\bshipping (fee|cost|charge)s?\b" + _EN_GAP + r"\b(too|so|high|expensive)\b",
            r"\bcharged? (for |me for )?shipping\b",
        ),
    ),
    TopicRule(
        "主播不回",
        "questions ignored",
        strong=(
            r"(主播|你).{0,6}(不回|不理|不看|无视|没看到|看不到|装看不见|不回答)",
            r"(问了|说了).{0,6}(遍|次).{0,6}(不理|不回|没人回|没回)",
            r"(都|也|还)不理(我|人)?",
            r"一直不回|没人(回答|回复|理)",
            r"(刷|问|说|发)了.{0,6}(遍|次)",
            r"\b(host|you)\b" + _EN_GAP + r"\b(ignor\w*|never answers?|doesn't answer|not answering|won't answer)\b",
            r"\banswer my question\b",
        ),
        suppress=r"客服|售后|商家|店家|customer service|support|seller",
    ),
)

# Words that cancel a complaint right after them ("不是假货", "没有色差", "一点都不卡", "not fake").
# "是不是假货" is a doubt, not a denial: handled in topics.py.
GUARD_ZH = r"(不是|并非|绝不是|绝对不是|不会是|不|没|没有|无|毫无|毫不|一点都不|一点也不|并不)(太|很|怎么|有)?$"
POST_GUARD_ZH = r"^.{0,2}(都|也)(没有|没)"
"""…or right after it ("一点色差都没有", "黑屏也没有")."""
GUARD_EN = r"\b(not|no|never|isn't|wasn't|aren't|isnt|hardly)\s+(at all\s+|so\s+|that\s+|too\s+|very\s+|a\s+)?$"

# --- sentiment ------------------------------------------------------------------------------------

POSITIVE: frozenset[str] = _words(
    """
    好 喜欢 爱 漂亮 好看 美 赞 棒 不错 满意 推荐 划算 便宜 值 值得 爱了 绝了 好评 回购 正品 舒服
    给力 好用 超值 实惠 清晰 快 很快 超快 耐心 专业 辛苦 支持 开心 高兴 感谢 谢谢 显瘦 显白 百搭
    时尚 好穿 柔软 舒适 厉害 优秀 完美 惊喜 可爱 帅 牛 666 准 标准 合身 性价比 买买买 哈哈 哈哈哈
    嘻嘻 抢到 买到 香 靠谱 放心 清楚 好吃 好闻 合适 顺利 流畅 刚刚好 刚好 良心 贴心 及时 耐穿 值了
    yyds 速度快 nice 太棒了 好美 好漂亮 超好看 适合
    good great love loved loving like nice amazing awesome beautiful pretty cute perfect excellent best
    fast quick cheap affordable worth recommend recommended thanks thank happy soft comfy comfortable
    wow cool gorgeous lovely fantastic clear glad fabulous
    """
)
NEGATIVE: frozenset[str] = _words(
    """
    差 差劲 太差 垃圾 失望 后悔 坑 坑人 骗 骗子 假 假货 慢 贵 卡 卡顿 难看 丑 烂 破 坏 投诉 恶心 无语
    生气 气死 糟糕 别买 上当 不值 敷衍 难用 劣质 粗糙 廉价 差评 烦 烦人 讨厌 吐了 辣鸡 不行 太慢 不爽
    离谱 过分 忽悠 智商税 割韭菜 黑屏 缩水 起球 掉色 色差 拉胯 醉了 坑爹 骗人 骗钱 可惜 遗憾 麻烦 失败
    就这 不如 还不如 不对 没精神 不公平 凑合 将就
    毛病 瑕疵 不满意 不喜欢 不好 不舒服 不合适 不准 没用 没收到 太冲 刺鼻 难闻 难吃 晦气
    bad terrible awful horrible worst hate hated slow late fake scam expensive overpriced broken broke
    disappointed disappointing disappointment poor useless rude waste junk garbage trash ugly wrong
    annoying boring ripoff fail failed failing problem stuck lag laggy sucks sucked nasty
    """
)
NEGATORS: frozenset[str] = _words(
    "不 没 没有 无 非 别 未 不是 并不 毫不 从不 不太 不怎么 一点也不 一点都不 不会 not no never hardly"
)
DEGREE: frozenset[str] = _words(
    """
    太 很 非常 超 超级 特别 好 真 挺 有点 有些 比较 十分 极 巨 蛮 都 也 还 这么 那么 真的 实在 更 最
    so very too really quite pretty super extremely at all that
    """
)
QUESTION_ZH = r"(吗|么|呢|嘛)$|还是|是不是|什么|怎么选|多少|几号|几点|哪|谁|啥|能不能|可不可以|有没有|会不会|要不要"
QUESTION_EN = r"^(is|are|does|do|can|could|will|would|should|what|how|when|where|which|who|why)\b"

# --- segmentation and topics ---------------------------------------------------------------------

USER_WORDS: frozenset[str] = _words(
    """
    发货 假货 尺码 码数 退款 退货 卡顿 包邮 不包邮 质量 客服 色差 售后 物流 快递 面料 做工 材质 链接
    上链接 优惠券 福袋 秒杀 拼团 小黄车 主播 直播间 宝宝们 家人们 姐妹们 下单 付款 库存 尺寸 抢不到
    没抢到 没收到 好卡 卡了 起球 掉色 缩水 显瘦 显白 回购 正品 性价比 高仿 售罄 黑屏 转圈 满减 运费 邮费
    不划算 太贵 好贵 不值 骗子 套路 虚假宣传 割韭菜 智商税 差评 好评 爱了 绝了 买买买 冲冲冲 上身 试穿
    """
)

STOP_WORDS: frozenset[str] = _words(
    """
    的 了 是 我 你 他 她 它 们 我们 你们 他们 这 那 这个 那个 这些 那些 就 都 也 还 在 有 和 跟 与 吗 呢 吧
    啊 呀 哦 噢 嗯 么 嘛 哈 把 被 给 让 对 到 说 要 会 能 可以 一个 一下 什么 怎么 为什么 为啥 多少 没有 不
    没 很 太 好 真 挺 就是 还是 然后 因为 所以 但是 可是 如果 已经 现在 今天 一直 这么 那么 主播 宝宝
    宝宝们 家人们 姐妹 姐妹们 老铁 大家 直播间 直播 谢谢 哈哈 哈哈哈 嘻嘻 来了 来 上 下 个 又 再 啦 哇 喔
    哎 唉 诶 呃 嗯嗯 哈喽 你好 晚上好 早上好 下午好 一 二 三 有点 真的 怎么样 看看 一样 还有 不是 知道
    觉得 感觉 可能 应该 时候 东西 一点 里面 出来 起来 自己 这样 那样 啥 咋 嘛 哟 咯 哒 滴 噻 晚上 早上 上午 中午 下午
    the a an and or but is are was were be been being it its it's this that these those i i'm you you're he
    she we they my your his her our their to of in on for with at from so very too just really not no yes
    do does did doing have has had can could will would should shall get got me us them what how when
    where which who why there here all any some more most much lol ok okay hi hello hey please thanks
    thank im dont cant isnt wont one also about like just than then as if by up out now again ever
    """
)
