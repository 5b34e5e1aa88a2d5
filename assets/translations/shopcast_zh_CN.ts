<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/about_dialog.py" line="35"/>
        <source>ShopCast Studio</source>
        <translation>ShopCast 直播工作台</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="36"/>
        <source>Version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="37"/>
        <source>Live-commerce broadcasting: the studio, its relay and the viewers&apos; shop</source>
        <translation>电商直播：直播工作台、中继服务器与观众的购物页</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="55"/>
        <source>About ShopCast</source>
        <translation>关于 ShopCast</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="94"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="96"/>
        <source>Copy these versions, for a bug report</source>
        <translation>复制这些版本信息，用于报告问题</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="99"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>DestinationList</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="150"/>
        <source>Remove this destination</source>
        <translation>删除此推流目标</translation>
    </message>
</context>
<context>
    <name>FiltersDock</name>
    <message>
        <location filename="../../ui/filters_dock.py" line="202"/>
        <source>Filters</source>
        <translation>滤镜</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="210"/>
        <source>Microphone level (after filters)</source>
        <translation>麦克风电平（滤镜后）</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="213"/>
        <source>L</source>
        <translation>左</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="213"/>
        <source>R</source>
        <translation>右</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="219"/>
        <source>Video filters</source>
        <translation>视频滤镜</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="220"/>
        <source>Overlays (over the whole program)</source>
        <translation>叠加层（覆盖整个画面）</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="221"/>
        <source>Audio filters</source>
        <translation>音频滤镜</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="234"/>
        <source>Plugins not loaded:</source>
        <translation>未加载的插件：</translation>
    </message>
</context>
<context>
    <name>FirstRunSetup</name>
    <message>
        <location filename="../../ui/first_run.py" line="221"/>
        <source>Set up ShopCast</source>
        <translation>设置 ShopCast</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="223"/>
        <source>&lt; Back</source>
        <translation>&lt; 上一步</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="224"/>
        <source>Next &gt;</source>
        <translation>下一步 &gt;</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="225"/>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="226"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="230"/>
        <source>Welcome to ShopCast</source>
        <translation>欢迎使用 ShopCast</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="231"/>
        <source>Two quick choices, then the relay. You can change all of it later in Settings.</source>
        <translation>先做两个选择，再选中继服务器。以后都可以在“设置”中更改。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="232"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="234"/>
        <source>The system&apos;s (%1)</source>
        <translation>跟随系统（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="237"/>
        <source>Canvas</source>
        <translation>画布</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="240"/>
        <source>Portrait %1: for phones (Douyin, Kuaishou, Channels) — recommended</source>
        <translation>竖屏 %1：手机观看（抖音、快手、视频号）— 推荐</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="243"/>
        <source>Landscape %1: for computers and TVs</source>
        <translation>横屏 %1：电脑和电视观看</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="245"/>
        <source>Relay</source>
        <translation>中继服务器</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="246"/>
        <source>Where the studio sends the show and where viewers watch and buy.</source>
        <translation>直播推流到这里，观众在这里观看和购买。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="247"/>
        <source>Bundled: the studio starts its own relay on this computer (recommended)</source>
        <translation>内置：工作台在本机启动自己的中继服务器（推荐）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="248"/>
        <source>An external relay, at a URL</source>
        <translation>外部中继服务器（填写地址）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="251"/>
        <location filename="../../ui/first_run.py" line="289"/>
        <source>Relay URL</source>
        <translation>中继服务器地址</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="251"/>
        <location filename="../../ui/first_run.py" line="290"/>
        <source>Room</source>
        <translation>直播间</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="251"/>
        <location filename="../../ui/first_run.py" line="291"/>
        <source>Stream key</source>
        <translation>推流密钥</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="251"/>
        <location filename="../../ui/first_run.py" line="292"/>
        <source>Owner token</source>
        <translation>主播令牌</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="255"/>
        <source>The room&apos;s stream key</source>
        <translation>直播间的推流密钥</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="256"/>
        <source>The room&apos;s owner token (for the commerce panels)</source>
        <translation>直播间的主播令牌（用于带货面板）</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="258"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="258"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="261"/>
        <source>The relay&apos;s admin gives you the room&apos;s stream key and owner token. Going live waits until you press Go Live.</source>
        <translation>中继服务器的管理员会给你直播间的推流密钥和主播令牌。只有按下“开始直播”才会开播。</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="294"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="297"/>
        <source>The settings could not be saved: %1</source>
        <translation>无法保存设置：%1</translation>
    </message>
</context>
<context>
    <name>HealthDock</name>
    <message>
        <location filename="../../ui/health_dock.py" line="33"/>
        <source>Stream health</source>
        <translation>推流状态</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="43"/>
        <source>Measure</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="43"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="56"/>
        <source>Frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="57"/>
        <source>Average time to render a frame</source>
        <translation>平均每帧渲染耗时</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="58"/>
        <source>Frames missed due to rendering lag (last 10 s)</source>
        <translation>渲染延迟导致的丢帧（最近 10 秒）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="59"/>
        <source>Frames skipped due to encoding lag (last 10 s)</source>
        <translation>编码延迟导致的跳帧（最近 10 秒）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="60"/>
        <source>Frames skipped due to encoding lag, %1 (last 10 s)</source>
        <translation>因编码延迟跳过的帧（%1，最近 10 秒）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="61"/>
        <source>Encode time, %1</source>
        <translation>编码耗时（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="62"/>
        <source>Bitrate, %1</source>
        <translation>码率（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="63"/>
        <source>Audio bitrate</source>
        <translation>音频码率</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="64"/>
        <source>Output %1</source>
        <translation>%1输出</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="65"/>
        <source>Output %1: queue</source>
        <translation>%1输出队列</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="66"/>
        <source>Output %1: dropped files (last 10 s)</source>
        <translation>%1输出丢弃的文件（最近 10 秒）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="68"/>
        <source>CPU usage (all cores)</source>
        <translation>CPU 占用（全部核心）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="71"/>
        <location filename="../../ui/health_dock.py" line="79"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="72"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="73"/>
        <source>Reconnecting in %1 s</source>
        <translation>%1 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="74"/>
        <source>Reconnecting…</source>
        <translation>正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="75"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="76"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="78"/>
        <source>%1 files (%2)</source>
        <translation>%1 个文件（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="84"/>
        <source>Rendering is overloaded</source>
        <translation>渲染过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="85"/>
        <source>Rendering is struggling</source>
        <translation>渲染吃力</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="86"/>
        <source>Encoding is overloaded</source>
        <translation>编码过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="87"/>
        <source>Encoding is struggling</source>
        <translation>编码吃力</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="88"/>
        <source>The network is failing</source>
        <translation>网络故障</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="89"/>
        <source>The network is struggling</source>
        <translation>网络不畅</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="94"/>
        <location filename="../../ui/health_dock.py" line="95"/>
        <source>The CPU is overloaded</source>
        <translation>CPU 过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="98"/>
        <source>the %1 rung takes %2 a frame (budget %3)</source>
        <translation>%1 档每帧耗时 %2（预算 %3）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="99"/>
        <source>%1 of frames skipped in the last %2 s</source>
        <translation>最近 %2 秒跳过了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="100"/>
        <source>%1 of the %3 canvas&apos;s frames skipped in the last %2 s</source>
        <translation>%3 画幅最近 %2 秒跳过了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="101"/>
        <source>a frame takes %1 to render (budget %2)</source>
        <translation>每帧渲染耗时 %1（预算 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="102"/>
        <source>%1 of frames missed in the last %2 s</source>
        <translation>最近 %2 秒丢失了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="103"/>
        <source>%1 fps instead of %2</source>
        <translation>帧率只有 %1 fps，目标 %2 fps</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="104"/>
        <source>%1 stopped: %2</source>
        <translation>%1已停止：%2</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="107"/>
        <source>%1 cannot deliver, reconnecting in %2 s</source>
        <translation>%1无法送达，%2 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="108"/>
        <source>%1 cannot deliver, reconnecting…</source>
        <translation>%1无法送达，正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="109"/>
        <source>%1 dropped %2 of its files in the last %3 s</source>
        <translation>最近 %3 秒%1丢弃了 %2 的文件</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="110"/>
        <source>%1 cannot keep up: %2 waiting to be sent</source>
        <translation>%1发送跟不上：%2 等待发送</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="113"/>
        <source>ShopCast uses %1 of all CPU cores</source>
        <translation>ShopCast 占用了全部 CPU 核心的 %1</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="116"/>
        <source>relay</source>
        <translation>中继</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="117"/>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="118"/>
        <source>recording</source>
        <translation>录制</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="121"/>
        <source>portrait</source>
        <translation>竖屏</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="121"/>
        <source>landscape</source>
        <translation>横屏</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="147"/>
        <source>All good</source>
        <translation>一切正常</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="155"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="161"/>
        <source>Waiting for the first measurements…</source>
        <translation>正在等待首次测量…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="67"/>
        <source>Input %1</source>
        <translation>输入源 %1</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="77"/>
        <source>Refused: the relay&apos;s disk is full</source>
        <translation>被拒收：中继服务器磁盘已满</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="80"/>
        <source>No sound: sending silence</source>
        <translation>没有声音：正在发送静音</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="81"/>
        <source>No picture: placeholder shown</source>
        <translation>没有画面：正在显示占位画面</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="90"/>
        <source>The relay refuses the stream</source>
        <translation>中继服务器拒收直播流</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="91"/>
        <source>Writing to this computer&apos;s disk failed</source>
        <translation>写入本机磁盘失败</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="92"/>
        <location filename="../../ui/health_dock.py" line="93"/>
        <source>An input is lost</source>
        <translation>输入源中断</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="105"/>
        <source>%1&apos;s disk is full: it refuses the stream, which waits here and is retried</source>
        <translation>%1磁盘已满，拒收直播流；直播流暂存在本机并会重试</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="106"/>
        <source>%1 stopped: %2; the live stream goes on</source>
        <translation>%1已停止：%2；直播继续进行</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="111"/>
        <source>the %1 sends no sound: the stream carries silence until it is back</source>
        <translation>%1没有声音：恢复前直播中为静音</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="112"/>
        <source>%1 sends no picture: viewers see its placeholder until it is back</source>
        <translation>%1没有画面：恢复前观众看到占位画面</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="119"/>
        <source>microphone</source>
        <translation>麦克风</translation>
    </message>
</context>
<context>
    <name>LayerProperties</name>
    <message>
        <location filename="../../ui/layer_properties.py" line="72"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="86"/>
        <source>Cover the box (edges cut off)</source>
        <translation>铺满框（裁掉多余边缘）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="87"/>
        <source>Fit inside the box (whole picture)</source>
        <translation>完整放入框内</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="88"/>
        <source>Stretch to the box</source>
        <translation>拉伸填满框</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="89"/>
        <source>Fit</source>
        <translation>缩放方式</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="95"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="96"/>
        <source>Fill the canvas</source>
        <translation>铺满画布</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="76"/>
        <source>Position (px)</source>
        <translation>位置（像素）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="77"/>
        <source>Size (px)</source>
        <translation>大小（像素）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="79"/>
        <source>Left: cut off the left edge (% of the picture)</source>
        <translation>左：裁掉左边（占画面的 %）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="80"/>
        <source>Top: cut off the top edge (% of the picture)</source>
        <translation>上：裁掉上边（占画面的 %）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="81"/>
        <source>Right: cut off the right edge (% of the picture)</source>
        <translation>右：裁掉右边（占画面的 %）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="82"/>
        <source>Bottom: cut off the bottom edge (% of the picture)</source>
        <translation>下：裁掉下边（占画面的 %）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="83"/>
        <source>Crop (%)</source>
        <translation>裁剪（%）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="97"/>
        <source>Safe zone</source>
        <translation>安全区</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="98"/>
        <source>Fill the part of the picture no phone app covers</source>
        <translation>铺满手机 App 不遮挡的画面区域</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="99"/>
        <source>Place</source>
        <translation>摆放</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="102"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="108"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="111"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="120"/>
        <source>Apply the Filters dock&apos;s video filters (beautify)</source>
        <translation>应用“滤镜”面板的视频滤镜（美颜）</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="122"/>
        <source>For a camera that shows a face; a product photo or a card needs none</source>
        <translation>用于拍人脸的摄像头；商品图和商品卡片不需要</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="190"/>
        <source>Select a layer to see its properties</source>
        <translation>选择一个图层以查看其属性</translation>
    </message>
    <message>
        <location filename="../../ui/layer_properties.py" line="194"/>
        <source>Properties of “%1”</source>
        <translation>“%1”的属性</translation>
    </message>
</context>
<context>
    <name>MetricTile</name>
    <message>
        <location filename="../../ui/metrics_dock.py" line="122"/>
        <source>people</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="122"/>
        <source>times</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="143"/>
        <source>last 5 min vs the 5 before</source>
        <translation>近5分钟对比前5分钟</translation>
    </message>
</context>
<context>
    <name>MetricsDock</name>
    <message>
        <location filename="../../ui/metrics_dock.py" line="150"/>
        <source>Live data</source>
        <translation>实时数据</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="154"/>
        <source>Waiting for the room&apos;s numbers…</source>
        <translation>等待直播间数据…</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="166"/>
        <location filename="../../ui/metrics_dock.py" line="222"/>
        <source>Pinned product: none</source>
        <translation>讲解商品：无</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="175"/>
        <source>Saw it</source>
        <translation>曝光</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="176"/>
        <source>Clicked</source>
        <translation>点击</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="177"/>
        <source>Added to cart</source>
        <translation>加购</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="178"/>
        <source>Bought</source>
        <translation>成交</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="227"/>
        <source>Pinned product: %1</source>
        <translation>讲解商品：%1</translation>
    </message>
    <message>
        <location filename="../../ui/metrics_dock.py" line="243"/>
        <source>Updated %1 s ago</source>
        <translation>%1 秒前更新</translation>
    </message>
</context>
<context>
    <name>MixerDock</name>
    <message>
        <location filename="../../ui/mixer_dock.py" line="135"/>
        <source>Audio mixer</source>
        <translation>混音器</translation>
    </message>
    <message>
        <location filename="../../ui/mixer_dock.py" line="164"/>
        <source>The mixer appears once the program runs.</source>
        <translation>节目开始运行后显示混音器。</translation>
    </message>
    <message>
        <location filename="../../ui/mixer_dock.py" line="167"/>
        <source>Monitor: hear the program here</source>
        <translation>监听：在本机播放节目声音</translation>
    </message>
    <message>
        <location filename="../../ui/mixer_dock.py" line="147"/>
        <source>Program mix (what viewers hear)</source>
        <translation>节目混音（观众听到的声音）</translation>
    </message>
    <message>
        <location filename="../../ui/mixer_dock.py" line="169"/>
        <source>Off while a microphone is near the speakers: it would feed back</source>
        <translation>麦克风靠近音箱时请关闭，否则会产生啸叫</translation>
    </message>
</context>
<context>
    <name>PluginBox</name>
    <message>
        <location filename="../../ui/filters_dock.py" line="62"/>
        <source>Keep on when the machine is busy</source>
        <translation>机器繁忙时也保持开启</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="65"/>
        <source>Never bypass this filter to save CPU: frames are skipped instead when the machine is short</source>
        <translation>不为节省 CPU 而旁路此滤镜：机器算力不足时改为跳帧</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="141"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="143"/>
        <source>Failed, passed through: %1</source>
        <translation>出错，已直通：%1</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="145"/>
        <source>Bypassed to save CPU: %1</source>
        <translation>为节省 CPU 已暂停：%1</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="147"/>
        <source>On</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="149"/>
        <source>On, %1 ms per audio block</source>
        <translation>开启，每个音频块 %1 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="150"/>
        <source>On, %1 ms per frame</source>
        <translation>开启，每帧 %1 毫秒</translation>
    </message>
</context>
<context>
    <name>PreflightDialog</name>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="129"/>
        <source>Before going live</source>
        <translation>开播前检查</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="172"/>
        <source>Run again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="174"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="175"/>
        <source>Go live anyway</source>
        <translation>仍然开播</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="177"/>
        <source>Go live although a check failed (asks first)</source>
        <translation>即使有检查未通过也开播（会先确认）</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="178"/>
        <source>Go Live</source>
        <translation>开始直播</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="239"/>
        <source>Checking…</source>
        <translation>检查中…</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="275"/>
        <source>Fix: %1</source>
        <translation>解决办法：%1</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="302"/>
        <source>Checking everything the show needs…</source>
        <translation>正在检查直播所需的一切…</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="309"/>
        <source>Something would break the show: fix the red rows, then run again.</source>
        <translation>有问题会影响直播：请先解决红色项目，再重新检查。</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="311"/>
        <source>Ready, with warnings: check the amber rows before going live.</source>
        <translation>可以开播，但有警告：开播前请查看黄色项目。</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="313"/>
        <source>All checks passed: ready to go live.</source>
        <translation>全部检查通过：可以开播。</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="321"/>
        <source>Go live anyway?</source>
        <translation>仍然开播？</translation>
    </message>
    <message>
        <location filename="../../ui/preflight_dialog.py" line="323"/>
        <source>A check failed (the red rows): viewers may not get the show, or it may look broken. Go live anyway?</source>
        <translation>有检查未通过（红色项目）：观众可能看不到直播，或画面有问题。仍然开播吗？</translation>
    </message>
</context>
<context>
    <name>PrompterDock</name>
    <message>
        <location filename="../../ui/prompter_dock.py" line="362"/>
        <source>Prompter</source>
        <translation>提词器</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="386"/>
        <source>Dock it back</source>
        <translation>放回停靠</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="386"/>
        <source>Pop out ⤢</source>
        <translation>弹出全屏 ⤢</translation>
    </message>
</context>
<context>
    <name>PrompterPanel</name>
    <message>
        <location filename="../../ui/prompter_dock.py" line="214"/>
        <source>Pop out ⤢</source>
        <translation>弹出全屏 ⤢</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="216"/>
        <source>Show the prompter on its own, full screen on a second monitor</source>
        <translation>单独显示提词器：在第二块屏幕上全屏</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="275"/>
        <source>Not running</source>
        <translation>未开始</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="276"/>
        <source>Press Start ▶ in the Run of show when you begin</source>
        <translation>开播时在“直播脚本”中按“开始 ▶”</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="283"/>
        <source>Next: %1</source>
        <translation>下一环节：%1</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="283"/>
        <source>First: %1</source>
        <translation>第一环节：%1</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="286"/>
        <source>Last segment</source>
        <translation>最后一个环节</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="303"/>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="311"/>
        <source>Next ▶</source>
        <translation>下一环节 ▶</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="315"/>
        <source>Issue the coupon</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="315"/>
        <source>Launch the flash sale</source>
        <translation>开启秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="316"/>
        <source>Open the poll</source>
        <translation>发起投票</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="316"/>
        <source>Open the lucky draw</source>
        <translation>开启福袋</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="317"/>
        <source>Launch</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="321"/>
        <source>Answer…</source>
        <translation>回答…</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="322"/>
        <source>Open the Q&amp;A panel on this question</source>
        <translation>在问答面板中打开这个问题</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="324"/>
        <source>Answered ✓</source>
        <translation>已回答 ✓</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="325"/>
        <source>Mark every viewer&apos;s copy of this question answered</source>
        <translation>把所有观众提的这个问题都标为已回答</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="338"/>
        <source>Next segment started</source>
        <translation>已进入下一环节</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="342"/>
        <source>Launched</source>
        <translation>已开启</translation>
    </message>
    <message>
        <location filename="../../ui/prompter_dock.py" line="353"/>
        <source>%1 questions marked answered</source>
        <translation>已将 %1 个问题标为已回答</translation>
    </message>
</context>
<context>
    <name>QtAssistantsPanel</name>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="40"/>
        <source>An assistant opens the link in a browser to cue the show, launch its actions, pin products and moderate. Ending the stream, the catalog and refunds stay yours.</source>
        <translation>中控用浏览器打开链接，即可切换脚本、发布脚本中的活动、讲解商品和管理评论。结束直播、商品库和退款仍由你掌控。</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="48"/>
        <source>Add an assistant</source>
        <translation>添加中控</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="52"/>
        <source>Their name, e.g. 小王</source>
        <translation>中控的名字，例如 小王</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="58"/>
        <source>Name</source>
        <translation>名字</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="59"/>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="61"/>
        <source>Create assistant link</source>
        <translation>生成中控链接</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="66"/>
        <source>The link appears here</source>
        <translation>链接会显示在这里</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="67"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="68"/>
        <source>The assistant can scan this with a phone</source>
        <translation>中控可以用手机扫码打开</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="73"/>
        <source>Assistant</source>
        <translation>中控</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="73"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="73"/>
        <source>Until</source>
        <translation>有效至</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="92"/>
        <source>Say who the link is for: their actions are recorded under this name</source>
        <translation>请填写链接给谁：其操作都会记在这个名字下</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="101"/>
        <source>Link for %1 created: send it or let them scan the code</source>
        <translation>已为 %1 生成链接：发给对方或让其扫码</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="109"/>
        <source>Link copied</source>
        <translation>链接已复制</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="124"/>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="124"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="124"/>
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="137"/>
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="138"/>
        <source>Revoke</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/panels/assistants_panel.py" line="153"/>
        <source>%1&apos;s link is revoked: their page stops working now</source>
        <translation>%1 的链接已撤销：其页面立即失效</translation>
    </message>
</context>
<context>
    <name>QtCohostPanel</name>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="41"/>
        <source>connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="45"/>
        <source>Side by side</source>
        <translation>左右分屏</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="46"/>
        <source>Picture in picture</source>
        <translation>画中画</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="47"/>
        <source>Grid</source>
        <translation>宫格</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="51"/>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="54"/>
        <source>On the program</source>
        <translation>连麦中的嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="56"/>
        <source>Guest</source>
        <translation>嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="56"/>
        <location filename="../../ui/panels/cohost_panel.py" line="83"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="56"/>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="61"/>
        <source>Invite a guest</source>
        <translation>邀请嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="65"/>
        <source>Who is it for (optional)</source>
        <translation>邀请谁（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="71"/>
        <location filename="../../ui/panels/cohost_panel.py" line="83"/>
        <source>For</source>
        <translation>嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="72"/>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="74"/>
        <source>Create invite link</source>
        <translation>生成邀请链接</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="78"/>
        <source>The link appears here</source>
        <translation>链接将显示在这里</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="79"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="80"/>
        <source>The guest can scan this with a phone</source>
        <translation>嘉宾可用手机扫码加入</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="83"/>
        <source>Expires</source>
        <translation>到期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="107"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="107"/>
        <source>on air</source>
        <translation>连麦中</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="107"/>
        <source>left</source>
        <translation>已离开</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="115"/>
        <source>Remove</source>
        <translation>移出</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="124"/>
        <location filename="../../ui/panels/cohost_panel.py" line="130"/>
        <source>That guest has left</source>
        <translation>该嘉宾已离开</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="132"/>
        <source>%1 was removed from the program</source>
        <translation>已将 %1 移出连麦</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="140"/>
        <source>%1 left</source>
        <translation>%1 已退出连麦</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="142"/>
        <source>%1&apos;s connection was lost</source>
        <translation>%1 的连接已断开</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="144"/>
        <source>%1 left (%2)</source>
        <translation>%1 已离开（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="161"/>
        <source>Invite created: send the link or let the guest scan the code</source>
        <translation>邀请已生成：发送链接或让嘉宾扫码</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="165"/>
        <source>Link copied</source>
        <translation>链接已复制</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="173"/>
        <source>open</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="174"/>
        <source>used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="175"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="176"/>
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="188"/>
        <source>Revoke</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="200"/>
        <source>Invite revoked: the link no longer works</source>
        <translation>邀请已撤销：链接已失效</translation>
    </message>
</context>
<context>
    <name>QtCommentsPanel</name>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="21"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="22"/>
        <source>Mute 10 min</source>
        <translation>禁言10分钟</translation>
    </message>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="28"/>
        <source>Blocked words, comma separated</source>
        <translation>屏蔽词，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="29"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="61"/>
        <location filename="../../ui/panels/comments_panel.py" line="70"/>
        <source>Select a comment first</source>
        <translation>请先选择一条评论</translation>
    </message>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="64"/>
        <source>Comment deleted</source>
        <translation>评论已删除</translation>
    </message>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="73"/>
        <source>%1 is muted for 10 min</source>
        <translation>%1 已被禁言10分钟</translation>
    </message>
    <message>
        <location filename="../../ui/panels/comments_panel.py" line="81"/>
        <source>%1 blocked words saved</source>
        <translation>已保存 %1 个屏蔽词</translation>
    </message>
</context>
<context>
    <name>QtCouponsPanel</name>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="19"/>
        <source>e.g. 满100减20</source>
        <translation>例如：满100减20</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="37"/>
        <source>Title</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="38"/>
        <source>Amount off</source>
        <translation>优惠金额</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="39"/>
        <source>Minimum spend</source>
        <translation>使用门槛</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="40"/>
        <source>How many</source>
        <translation>发放数量</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="41"/>
        <source>Per viewer</source>
        <translation>每人限领</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="42"/>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="44"/>
        <source>Issue coupon</source>
        <translation>发放优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="46"/>
        <location filename="../../ui/panels/coupons_panel.py" line="61"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="46"/>
        <source>Off</source>
        <translation>减</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="46"/>
        <source>Min</source>
        <translation>门槛</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="46"/>
        <source>Claimed</source>
        <translation>已领</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="48"/>
        <source>End selected coupon</source>
        <translation>结束所选优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="66"/>
        <source>Coupon issued: %1</source>
        <translation>已发放优惠券：%1</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="73"/>
        <source>Select a coupon first</source>
        <translation>请先选择一张优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/panels/coupons_panel.py" line="75"/>
        <source>Coupon ended</source>
        <translation>优惠券已结束</translation>
    </message>
</context>
<context>
    <name>QtDrawPanel</name>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="22"/>
        <source>optional, e.g. 抽奖</source>
        <translation>可选，例如：抽奖</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="27"/>
        <source>Prize</source>
        <translation>奖品</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="28"/>
        <source>Winners</source>
        <translation>中奖人数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="29"/>
        <source>Comment keyword</source>
        <translation>评论口令</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="30"/>
        <source>Open for</source>
        <translation>持续时间</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="32"/>
        <source>Open lucky draw</source>
        <translation>发起福袋</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="38"/>
        <source>Draw now</source>
        <translation>立即开奖</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="54"/>
        <source>No lucky draw yet</source>
        <translation>还没有福袋</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="57"/>
        <source>%1 entered</source>
        <translation>%1 人参与</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="58"/>
        <source>Seed hash: %1</source>
        <translation>种子哈希：%1</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="61"/>
        <source>Draws in %1 s</source>
        <translation>%1 秒后开奖</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="63"/>
        <source>nobody entered</source>
        <translation>无人参与</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="64"/>
        <source>Winners: %1</source>
        <translation>中奖者：%1</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="65"/>
        <source>Seed: %1</source>
        <translation>种子：%1</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="73"/>
        <source>Lucky draw opened</source>
        <translation>福袋已发起</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="79"/>
        <source>No lucky draw is open</source>
        <translation>没有进行中的福袋</translation>
    </message>
    <message>
        <location filename="../../ui/panels/draw_panel.py" line="84"/>
        <source>Drawn: %1 winner(s)</source>
        <translation>已开奖：%1 人中奖</translation>
    </message>
</context>
<context>
    <name>QtFlashSalePanel</name>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="48"/>
        <location filename="../../ui/panels/flash_sale_panel.py" line="58"/>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="49"/>
        <source>Deal price</source>
        <translation>秒杀价</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="50"/>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="51"/>
        <source>Limit per viewer</source>
        <translation>每人限购</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="52"/>
        <source>Countdown</source>
        <translation>开抢倒计时</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="53"/>
        <source>Duration</source>
        <translation>持续时长</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="55"/>
        <source>Launch flash sale</source>
        <translation>发起秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="58"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="58"/>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="58"/>
        <source>Left</source>
        <translation>剩余</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="58"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="61"/>
        <source>End selected sale</source>
        <translation>结束所选秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="85"/>
        <source>ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="87"/>
        <source>opens in %1 s</source>
        <translation>%1 秒后开抢</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="89"/>
        <source>sold out</source>
        <translation>已抢光</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="90"/>
        <source>open, %1 s left</source>
        <translation>进行中，剩 %1 秒</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="102"/>
        <source>Add products first</source>
        <translation>请先添加商品</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="108"/>
        <source>Flash sale launched: opens in %1 s</source>
        <translation>秒杀已发起：%1 秒后开抢</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="115"/>
        <source>Select a sale first</source>
        <translation>请先选择一场秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/panels/flash_sale_panel.py" line="117"/>
        <source>Flash sale ended</source>
        <translation>秒杀已结束</translation>
    </message>
</context>
<context>
    <name>QtGroupBuyPanel</name>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="30"/>
        <location filename="../../ui/panels/group_buy_panel.py" line="37"/>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="31"/>
        <source>Group price</source>
        <translation>拼团价</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="32"/>
        <source>Group size</source>
        <translation>成团人数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="33"/>
        <source>Time to fill</source>
        <translation>成团时限</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="35"/>
        <source>Start group-buy</source>
        <translation>发起拼团活动</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="37"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="37"/>
        <source>Size</source>
        <translation>人数</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="37"/>
        <source>Open groups</source>
        <translation>进行中的团</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="39"/>
        <source>End selected group-buy</source>
        <translation>结束所选拼团</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="62"/>
        <source>Add products first</source>
        <translation>请先添加商品</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="67"/>
        <source>Group-buy started: groups of %1</source>
        <translation>拼团已发起：%1 人成团</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="74"/>
        <source>Select a group-buy first</source>
        <translation>请先选择一个拼团</translation>
    </message>
    <message>
        <location filename="../../ui/panels/group_buy_panel.py" line="76"/>
        <source>Group-buy ended</source>
        <translation>拼团已结束</translation>
    </message>
</context>
<context>
    <name>QtPanel</name>
    <message>
        <location filename="../../ui/rundown_dock.py" line="535"/>
        <location filename="../../ui/panels/base.py" line="46"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/base.py" line="58"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>QtPollsPanel</name>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="20"/>
        <source>One option per line (2 to 6)</source>
        <translation>每行一个选项（2到6个）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="22"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="23"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="25"/>
        <source>Open poll</source>
        <translation>发起投票</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="33"/>
        <source>Close poll</source>
        <translation>结束投票</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="52"/>
        <source>No poll yet</source>
        <translation>还没有投票</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="55"/>
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="55"/>
        <source>closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="57"/>
        <source>%1 votes</source>
        <translation>%1 票</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="71"/>
        <source>Poll opened</source>
        <translation>投票已发起</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="77"/>
        <source>No poll is open</source>
        <translation>没有进行中的投票</translation>
    </message>
    <message>
        <location filename="../../ui/panels/polls_panel.py" line="80"/>
        <source>Poll closed</source>
        <translation>投票已结束</translation>
    </message>
</context>
<context>
    <name>QtPreview</name>
    <message>
        <location filename="../../ui/qt_preview.py" line="22"/>
        <source>Starting the preview…</source>
        <translation>正在启动预览…</translation>
    </message>
</context>
<context>
    <name>QtProductsPanel</name>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="20"/>
        <source>Search by name or SKU</source>
        <translation>按名称或SKU搜索</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="23"/>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="23"/>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="23"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="23"/>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="24"/>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="24"/>
        <source>Pinned</source>
        <translation>讲解中</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="27"/>
        <source>Pin (now showing)</source>
        <translation>置顶讲解</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="28"/>
        <source>Unpin</source>
        <translation>取消讲解</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="29"/>
        <source>Import catalog…</source>
        <translation>导入商品…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="55"/>
        <location filename="../../ui/panels/products_panel.py" line="63"/>
        <source>Select a product first</source>
        <translation>请先选择一个商品</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="57"/>
        <source>Pinned %1</source>
        <translation>已置顶讲解 %1</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="65"/>
        <source>Unpinned %1</source>
        <translation>已取消讲解 %1</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="70"/>
        <source>Import a catalog</source>
        <translation>导入商品目录</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="70"/>
        <source>Catalogs (*.json *.csv)</source>
        <translation>商品目录 (*.json *.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/panels/products_panel.py" line="78"/>
        <source>Imported %1 products</source>
        <translation>已导入 %1 个商品</translation>
    </message>
</context>
<context>
    <name>QtQuestionsPanel</name>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="17"/>
        <source>From</source>
        <translation>提问者</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="17"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="17"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="17"/>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="20"/>
        <source>Answer (shown to everyone when pinned)</source>
        <translation>回答（置顶后所有人可见）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="23"/>
        <source>Mark answered</source>
        <translation>标记已回答</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="24"/>
        <source>Pin with answer</source>
        <translation>置顶并回答</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="25"/>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="35"/>
        <source>waiting</source>
        <translation>待回答</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="35"/>
        <source>answered</source>
        <translation>已回答</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="35"/>
        <source>dismissed</source>
        <translation>已忽略</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="49"/>
        <source>Select a question first</source>
        <translation>请先选择一个问题</translation>
    </message>
    <message>
        <location filename="../../ui/panels/questions_panel.py" line="54"/>
        <source>Question updated</source>
        <translation>问题已更新</translation>
    </message>
</context>
<context>
    <name>RundownDock</name>
    <message>
        <location filename="../../ui/rundown_dock.py" line="799"/>
        <source>Run of show</source>
        <translation>直播脚本</translation>
    </message>
</context>
<context>
    <name>RundownPanel</name>
    <message>
        <location filename="../../ui/rundown_dock.py" line="193"/>
        <location filename="../../ui/rundown_dock.py" line="457"/>
        <source>Next ▶</source>
        <translation>下一环节 ▶</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="197"/>
        <location filename="../../ui/rundown_dock.py" line="464"/>
        <source>Launch</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="201"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="203"/>
        <source>End the run (the segments stay as they are)</source>
        <translation>结束脚本的执行（环节保持不变）</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="215"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="226"/>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="228"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="230"/>
        <source>New from template</source>
        <translation>从模板新建</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="231"/>
        <source>A show made from the cart: an opening, a segment per product, …</source>
        <translation>用购物车生成脚本：开场、每件商品一个环节……</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="233"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="234"/>
        <source>Read a run-of-show from a JSON or CSV file</source>
        <translation>从 JSON 或 CSV 文件读取直播脚本</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="236"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="237"/>
        <source>Save the run-of-show as JSON or CSV (by the name&apos;s ending)</source>
        <translation>把直播脚本保存为 JSON 或 CSV（按文件扩展名）</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="246"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="246"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="246"/>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="246"/>
        <source>Scene</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="246"/>
        <source>Time</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="247"/>
        <source>Actions</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="254"/>
        <source>Drag to reorder; double-click to start a segment</source>
        <translation>拖动调整顺序；双击开始该环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="257"/>
        <source>Next segment by itself:</source>
        <translation>自动进入下一环节：</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="258"/>
        <source>when its flash sale sells out</source>
        <translation>秒杀售罄时</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="259"/>
        <source>when its time is up</source>
        <translation>时间到时</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="270"/>
        <location filename="../../ui/rundown_dock.py" line="489"/>
        <source>Segment</source>
        <translation>环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="289"/>
        <source>End the segment on air and start the next: its product is pinned, its scene goes on air</source>
        <translation>结束当前环节并开始下一个：置顶其商品，切换到其场景</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="291"/>
        <source>Launch what the segment has armed</source>
        <translation>开启本环节已备好的活动</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="334"/>
        <source>%1 segments</source>
        <translation>%1 个环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="362"/>
        <source>pin</source>
        <translation>讲解</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="366"/>
        <source>(with the cue)</source>
        <translation>（随环节开启）</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="373"/>
        <source>flash sale %1</source>
        <translation>秒杀 %1</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="375"/>
        <source>coupon %1 off</source>
        <translation>优惠券减 %1</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="376"/>
        <source>poll</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="376"/>
        <source>lucky draw</source>
        <translation>福袋</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="376"/>
        <source>co-host invite</source>
        <translation>连麦邀请</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="457"/>
        <source>Start ▶</source>
        <translation>开始 ▶</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="462"/>
        <source>Launch %1</source>
        <translation>开启%1</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="469"/>
        <source>On air: %1 of %2 — %3</source>
        <translation>进行中：第 %1 / %2 环节 — %3</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="477"/>
        <source>%1 segments, %2 planned. Start runs the first.</source>
        <translation>共 %1 个环节，计划 %2。按“开始”进入第一个。</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="482"/>
        <source>No run-of-show yet: add segments, make one from the cart, or import a file.</source>
        <translation>还没有直播脚本：添加环节、用购物车生成，或导入文件。</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="489"/>
        <source>Segment: choose one in the list to edit it</source>
        <translation>环节：在列表中选择一个进行编辑</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="546"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="556"/>
        <location filename="../../ui/rundown_dock.py" line="564"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="563"/>
        <source>segment %1</source>
        <translation>第 %1 个环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="596"/>
        <source>A run-of-show has at most %1 segments</source>
        <translation>直播脚本最多 %1 个环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="650"/>
        <source>Replace the run-of-show?</source>
        <translation>替换直播脚本？</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="651"/>
        <source>The %1 segments of the current run-of-show will be replaced.</source>
        <translation>当前直播脚本的 %1 个环节将被替换。</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="664"/>
        <source>Add products to the cart first: the template has a segment per product</source>
        <translation>请先把商品加入购物车：模板为每件商品生成一个环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="671"/>
        <source>New run-of-show: %1 segments</source>
        <translation>新的直播脚本：%1 个环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="678"/>
        <source>Import a run-of-show</source>
        <translation>导入直播脚本</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="678"/>
        <source>Run-of-show (*.json *.csv)</source>
        <translation>直播脚本 (*.json *.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="696"/>
        <location filename="../../ui/rundown_dock.py" line="700"/>
        <source>Not imported (%1): %2</source>
        <translation>未导入（%1）：%2</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="705"/>
        <source>Imported %1 segments from %2</source>
        <translation>已从 %2 导入 %1 个环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="715"/>
        <source>Export the run-of-show</source>
        <translation>导出直播脚本</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="717"/>
        <source>JSON (*.json);;CSV for spreadsheets (*.csv)</source>
        <translation>JSON (*.json);;CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="731"/>
        <source>Not exported: %1</source>
        <translation>未导出：%1</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="733"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="747"/>
        <source>The run-of-show ended</source>
        <translation>直播脚本已结束</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="750"/>
        <source>Segment %1: %2</source>
        <translation>第 %1 个环节：%2</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="757"/>
        <source>The run-of-show has no segments</source>
        <translation>直播脚本没有环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="761"/>
        <source>Next segment</source>
        <translation>下一环节</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="764"/>
        <source>Started</source>
        <translation>已开始</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="772"/>
        <source>Nothing is armed in this segment</source>
        <translation>本环节没有待开启的活动</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="779"/>
        <source>Launched: %1</source>
        <translation>已开启：%1</translation>
    </message>
    <message>
        <location filename="../../ui/rundown_dock.py" line="785"/>
        <source>The run-of-show stopped</source>
        <translation>直播脚本已停止</translation>
    </message>
</context>
<context>
    <name>SceneEditor</name>
    <message>
        <location filename="../../ui/scene_editor.py" line="90"/>
        <source>Drag a layer to move it, its handles to resize it (Shift keeps the shape, Ctrl stops snapping); the arrow keys nudge it</source>
        <translation>拖动图层可移动，拖动控制点可缩放（按住 Shift 保持比例，按住 Ctrl 不吸附）；方向键微调位置</translation>
    </message>
    <message>
        <location filename="../../ui/scene_editor.py" line="294"/>
        <source>App top bar</source>
        <translation>App 顶部栏</translation>
    </message>
    <message>
        <location filename="../../ui/scene_editor.py" line="295"/>
        <source>Comments, product card, buttons</source>
        <translation>评论区、商品卡片、按钮</translation>
    </message>
    <message>
        <location filename="../../ui/scene_editor.py" line="300"/>
        <source>Like, share, cart</source>
        <translation>点赞、分享、购物车</translation>
    </message>
</context>
<context>
    <name>ScenesDock</name>
    <message>
        <location filename="../../ui/scenes_dock.py" line="119"/>
        <source>Scenes</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="128"/>
        <source>LIVE</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="128"/>
        <source>PREVIEW</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="130"/>
        <source>Click a scene to put it on air (in studio mode: in the preview); Ctrl+1…9 put scene 1…9 on air</source>
        <translation>单击场景即切到直播（工作室模式下切到预览）；Ctrl+1…9 直接把第 1…9 个场景切到直播</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="136"/>
        <source>Add a scene: empty, or one of the templates</source>
        <translation>添加场景：空白场景或模板场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="141"/>
        <source>Remove the scene</source>
        <translation>删除场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="142"/>
        <source>Duplicate the scene</source>
        <translation>复制场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="144"/>
        <source>Move the scene up</source>
        <translation>上移场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="145"/>
        <source>Move the scene down</source>
        <translation>下移场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="153"/>
        <source>Transition</source>
        <translation>转场</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="156"/>
        <source>Cut</source>
        <translation>直切</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="157"/>
        <source>Fade</source>
        <translation>淡入淡出</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="162"/>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="164"/>
        <source>How long a fade lasts</source>
        <translation>淡入淡出的时长</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="289"/>
        <source>Put on air now</source>
        <translation>立即切到直播</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="292"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="293"/>
        <source>Duplicate</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="294"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="312"/>
        <source>Empty scene</source>
        <translation>空白场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="314"/>
        <source>From a template</source>
        <translation>从模板添加</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="330"/>
        <source>Scene %1</source>
        <translation>场景 %1</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="376"/>
        <source>Remove the scene?</source>
        <translation>删除场景？</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="375"/>
        <source>Remove the scene “%1”? Its layers go with it; its sources stay.</source>
        <translation>删除场景“%1”？其中的图层会一并删除，来源会保留。</translation>
    </message>
</context>
<context>
    <name>SecretEdit</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="95"/>
        <location filename="../../ui/settings_dialog.py" line="104"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="96"/>
        <source>Show or hide it (it is hidden so a screenshot does not give it away)</source>
        <translation>显示或隐藏（默认隐藏，截图不会泄露）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="104"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
</context>
<context>
    <name>SegmentEditor</name>
    <message>
        <location filename="../../ui/segment_editor.py" line="134"/>
        <source>What the list and the report call it</source>
        <translation>在列表和复盘报告中显示的名称</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="140"/>
        <source>Pin the product when the segment starts</source>
        <translation>环节开始时置顶商品（讲解中）</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="142"/>
        <source>Talking points, one per line: the prompter shows them</source>
        <translation>卖点，每行一条：提词器会显示</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="144"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="145"/>
        <location filename="../../ui/segment_editor.py" line="211"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="146"/>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="147"/>
        <source>Scene</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="148"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="150"/>
        <source>Talking points</source>
        <translation>卖点</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="164"/>
        <source>Launch with the cue</source>
        <translation>随环节开启</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="165"/>
        <source>Launched as the segment starts, rather than armed for the Launch button</source>
        <translation>环节开始时立即开启，而不是等你按“开启”按钮</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="186"/>
        <source>Flash sale</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="193"/>
        <source>Deal price</source>
        <translation>秒杀价</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="194"/>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="195"/>
        <source>Limit per viewer</source>
        <translation>每人限购</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="196"/>
        <source>Countdown</source>
        <translation>倒计时</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="197"/>
        <location filename="../../ui/segment_editor.py" line="244"/>
        <source>Open for</source>
        <translation>持续</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="202"/>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="212"/>
        <source>Amount off</source>
        <translation>减免金额</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="213"/>
        <source>Minimum spend</source>
        <translation>最低消费</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="214"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="215"/>
        <source>Per viewer</source>
        <translation>每人限领</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="216"/>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="221"/>
        <source>Poll</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="225"/>
        <source>2 to 6 options, one per line</source>
        <translation>2 到 6 个选项，每行一个</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="227"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="228"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="231"/>
        <source>Lucky draw</source>
        <translation>福袋</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="237"/>
        <source>Optional: commenting it enters the draw</source>
        <translation>可选：评论该口令即参与</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="241"/>
        <source>Prize</source>
        <translation>奖品</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="242"/>
        <source>Winners</source>
        <translation>中奖人数</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="243"/>
        <source>Keyword</source>
        <translation>口令</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="250"/>
        <source>Co-host invite</source>
        <translation>连麦邀请</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="253"/>
        <source>Who it is for (optional)</source>
        <translation>邀请谁（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="254"/>
        <source>Label</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="291"/>
        <source>No product</source>
        <translation>无商品</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="295"/>
        <source>Keep the scene on air</source>
        <translation>保持当前场景</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="298"/>
        <location filename="../../ui/segment_editor.py" line="317"/>
        <source>%1 (not in the cart)</source>
        <translation>%1（不在购物车中）</translation>
    </message>
    <message>
        <location filename="../../ui/segment_editor.py" line="299"/>
        <location filename="../../ui/segment_editor.py" line="318"/>
        <source>%1 (not in this show)</source>
        <translation>%1（本场没有此场景）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="214"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="228"/>
        <source>Stream</source>
        <translation>推流</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="229"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="230"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="231"/>
        <source>Audio &amp; devices</source>
        <translation>音频与设备</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="232"/>
        <source>Hotkeys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="233"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="300"/>
        <source>Bundled (the studio starts its own)</source>
        <translation>内置（由直播工作室自行启动）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="301"/>
        <source>External relay</source>
        <translation>外部中继服务器</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="307"/>
        <source>The room&apos;s stream key</source>
        <translation>直播间的推流密钥</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="309"/>
        <source>The room&apos;s owner token (for the commerce panels)</source>
        <translation>直播间的主播令牌（用于带货面板）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="311"/>
        <source>Relay</source>
        <translation>中继服务器</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="312"/>
        <source>Relay URL</source>
        <translation>中继服务器地址</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="313"/>
        <source>Room</source>
        <translation>直播间</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="314"/>
        <location filename="../../ui/settings_dialog.py" line="360"/>
        <source>Stream key</source>
        <translation>推流密钥</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="315"/>
        <source>Owner token</source>
        <translation>主播令牌</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="319"/>
        <source>The bundled relay makes the room and its keys itself; an external relay&apos;s admin gives you the room&apos;s stream key and owner token.</source>
        <translation>内置中继服务器会自动创建直播间和密钥；使用外部中继服务器时，由其管理员提供直播间的推流密钥和主播令牌。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="340"/>
        <source>Recording</source>
        <translation>录制</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="342"/>
        <source>Record the show (the top rung and the sound, an MP4 that survives a crash)</source>
        <translation>录制直播（最高档画面和声音，MP4 文件，程序崩溃也能播放）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="348"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="350"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="357"/>
        <source>RTMP destinations (platforms&apos; ingests)</source>
        <translation>RTMP 推流目标（各平台的推流地址）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="360"/>
        <source>Add an RTMP destination</source>
        <translation>添加 RTMP 推流目标</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="364"/>
        <source>WHIP destinations (WebRTC)</source>
        <translation>WHIP 推流目标（WebRTC）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="367"/>
        <source>Bearer token (if any)</source>
        <translation>Bearer 令牌（如有）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="367"/>
        <source>Add a WHIP destination</source>
        <translation>添加 WHIP 推流目标</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="382"/>
        <source>Where recordings go</source>
        <translation>录像保存位置</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="400"/>
        <source>portrait (720x1280), landscape (1280x720), WIDTHxHEIGHT, or two with a comma for dual format</source>
        <translation>portrait（竖屏 720x1280）、landscape（横屏 1280x720）、宽x高，或用逗号连接两个以同时推双画幅</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="403"/>
        <source>The rungs viewers can get, highest first, e.g. 720p,480p,360p</source>
        <translation>观众可选的清晰度档位，从高到低，例如 720p,480p,360p</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="408"/>
        <source>auto (measured before going live)</source>
        <translation>auto（开播前测速决定）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="410"/>
        <source>Canvas</source>
        <translation>画布</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="411"/>
        <source>Ladder</source>
        <translation>码率阶梯</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="412"/>
        <source>Frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="413"/>
        <source>x264 preset</source>
        <translation>x264 预设</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="422"/>
        <source>The system&apos;s default microphone</source>
        <translation>系统默认麦克风</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="427"/>
        <source>As the scenes have it</source>
        <translation>沿用场景中的设置</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="432"/>
        <source>Camera %1</source>
        <translation>摄像头 %1</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="435"/>
        <source>A test tone</source>
        <translation>测试音</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="436"/>
        <source>None (silence)</source>
        <translation>无（静音）</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="437"/>
        <source>Test pattern</source>
        <translation>测试画面</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="440"/>
        <source>camera, camera:N, test or file:PATH</source>
        <translation>camera、camera:N、test 或 file:路径</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="441"/>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="442"/>
        <source>Host camera</source>
        <translation>主播摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="443"/>
        <source>The toolbar&apos;s host camera switches it during the show.</source>
        <translation>直播中可用工具栏的“主播摄像头”切换。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="451"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="451"/>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="476"/>
        <source>Restore the default hotkeys</source>
        <translation>恢复默认快捷键</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="484"/>
        <source>A presentation clicker&apos;s &quot;next&quot; sends Page Down: by default it starts the next segment. Hotkeys work wherever the studio has the focus.</source>
        <translation>演示翻页笔的“下一页”键发送 Page Down：默认用它开始下一段。只要工作台有焦点，快捷键即可使用。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="497"/>
        <source>The system&apos;s</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="501"/>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="502"/>
        <location filename="../../ui/settings_dialog.py" line="670"/>
        <source>The language changes the next time the studio starts.</source>
        <translation>语言将在下次启动直播工作室时更改。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="603"/>
        <source>%1 is already the hotkey of “%2”: not changed.</source>
        <translation>%1 已是“%2”的快捷键：未更改。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="609"/>
        <source>%1 is the shortcut of the menu command “%2”: not changed.</source>
        <translation>%1 是菜单命令“%2”的快捷键：未更改。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="632"/>
        <source>the stream</source>
        <translation>推流</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="633"/>
        <source>the canvas</source>
        <translation>画布</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="634"/>
        <source>the frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="635"/>
        <source>the microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="636"/>
        <source>the host camera</source>
        <translation>主播摄像头</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="637"/>
        <source>the outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="638"/>
        <source>the ladder</source>
        <translation>码率阶梯</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="639"/>
        <source>the preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="655"/>
        <source>For this run the command line&apos;s %1 override the saved settings.</source>
        <translation>本次运行中，命令行参数 %1 优先于已保存的设置。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="662"/>
        <source>This demo streams with its own options: the Stream, Output, Video and device settings are for `shopcast studio`.</source>
        <translation>演示模式使用自己的推流选项：推流、输出、视频和设备设置供 `shopcast studio` 使用。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="668"/>
        <source>Applies the next time the studio starts: %1.</source>
        <translation>下次启动直播工作室时生效：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="674"/>
        <source>You are live: %1 apply at the next Go Live; the show on air keeps its settings.</source>
        <translation>正在直播：%1 将在下次开播时生效，当前直播保持原设置。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="676"/>
        <source>Applies at the next Go Live: %1.</source>
        <translation>下次开播时生效：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="680"/>
        <source>Hotkeys apply at once.</source>
        <translation>快捷键立即生效。</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="693"/>
        <location filename="../../ui/settings_dialog.py" line="697"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <location filename="../../ui/settings_form.py" line="136"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/settings_form.py" line="137"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>SourcesDock</name>
    <message>
        <location filename="../../ui/sources_dock.py" line="114"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="129"/>
        <source>Add a source to the scene: a new one, or one the show has</source>
        <translation>向场景添加来源：新建来源，或使用已有的来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="136"/>
        <source>Remove the layer from the scene</source>
        <translation>从场景中移除图层</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="138"/>
        <source>Bring the layer forward</source>
        <translation>图层上移一层</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="140"/>
        <source>Send the layer backward</source>
        <translation>图层下移一层</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="229"/>
        <source>Shown: click to hide</source>
        <translation>显示中：点击隐藏</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="229"/>
        <source>Hidden: click to show</source>
        <translation>已隐藏：点击显示</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="236"/>
        <source>Locked: cannot be moved on the preview; click to unlock</source>
        <translation>已锁定：无法在预览中移动；点击解锁</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="238"/>
        <source>Click to lock in place</source>
        <translation>点击锁定位置</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="327"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="328"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="328"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="331"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="331"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="334"/>
        <source>Fill the canvas</source>
        <translation>铺满画布</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="336"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="347"/>
        <source>New source</source>
        <translation>新建来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="353"/>
        <source>Existing source</source>
        <translation>已有来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="388"/>
        <source>Remove the layer?</source>
        <translation>移除图层？</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="388"/>
        <source>Remove “%1” from this scene?</source>
        <translation>从此场景中移除“%1”？</translation>
    </message>
</context>
<context>
    <name>StripWidget</name>
    <message>
        <location filename="../../ui/mixer_dock.py" line="82"/>
        <source>Volume (dB); all the way left is silence</source>
        <translation>音量（dB）；拉到最左为静音</translation>
    </message>
    <message>
        <location filename="../../ui/mixer_dock.py" line="105"/>
        <source>Unmute</source>
        <translation>取消静音</translation>
    </message>
    <message>
        <location filename="../../ui/mixer_dock.py" line="105"/>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../ui/mixer_dock.py" line="111"/>
        <source>Not on air: heard only while a scene on air shows its source</source>
        <translation>未上播：只有正在直播的场景显示此来源时才能听到</translation>
    </message>
</context>
<context>
    <name>StudioHotkeys</name>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="11"/>
        <source>Scene %1 on air</source>
        <translation>场景 %1 上播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="14"/>
        <source>Go Live / End Live</source>
        <translation>开播 / 结束直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="15"/>
        <source>Next segment</source>
        <translation>下一环节</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="16"/>
        <source>Launch the segment&apos;s promotion</source>
        <translation>发起本环节的促销</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="17"/>
        <source>Transition (studio mode)</source>
        <translation>转场（工作室模式）</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="18"/>
        <source>Mute / unmute the microphone</source>
        <translation>麦克风静音 / 取消静音</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="19"/>
        <source>Beautify on / off</source>
        <translation>美颜开 / 关</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="27"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../ui/studio_hotkeys.py" line="28"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
</context>
<context>
    <name>StudioSettingsUi</name>
    <message>
        <location filename="../../ui/studio_settings.py" line="117"/>
        <source>The settings file could not be used (%1); the defaults apply. It is kept as %2.</source>
        <translation>无法使用设置文件（%1）；已改用默认设置，原文件保存为 %2。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="125"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="127"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="138"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="140"/>
        <source>Docks</source>
        <translation>停靠面板</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="144"/>
        <source>Reset layout</source>
        <translation>重置布局</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="146"/>
        <source>Put every dock back where the studio starts with it</source>
        <translation>把所有停靠面板放回默认位置</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="150"/>
        <source>&amp;Show</source>
        <translation>直播(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="153"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="155"/>
        <source>About ShopCast</source>
        <translation>关于 ShopCast</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="190"/>
        <source>Scenes</source>
        <translation>场景</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="228"/>
        <source>Studio mode is off: the transition puts the preview on air</source>
        <translation>工作室模式未开启：转场用于把预览画面切上直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="244"/>
        <source>Microphone on</source>
        <translation>麦克风已开启</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="244"/>
        <source>Microphone muted</source>
        <translation>麦克风已静音</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="250"/>
        <source>Beautify is not installed</source>
        <translation>未安装美颜</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="256"/>
        <source>Beautify could not be switched: %1</source>
        <translation>无法切换美颜：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="258"/>
        <source>Beautify on</source>
        <translation>美颜已开启</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="258"/>
        <source>Beautify off</source>
        <translation>美颜已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="298"/>
        <source>Settings saved.</source>
        <translation>设置已保存。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="301"/>
        <source>The language changes the next time the studio starts.</source>
        <translation>语言将在下次启动直播工作室时更改。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="303"/>
        <source>Some of the changes apply the next time the studio starts.</source>
        <translation>部分更改将在下次启动直播工作室时生效。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_settings.py" line="305"/>
        <source>The output and video changes apply at the next Go Live.</source>
        <translation>输出和视频的更改将在下次开播时生效。</translation>
    </message>
</context>
<context>
    <name>StudioView</name>
    <message>
        <location filename="../../ui/studio_view.py" line="68"/>
        <source>Transition</source>
        <translation>转场</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="70"/>
        <source>Put the preview on air with the transition chosen</source>
        <translation>用所选转场把预览切到直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="72"/>
        <source>Cut</source>
        <translation>直切</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="73"/>
        <source>Put the preview on air at once</source>
        <translation>立即把预览切到直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="74"/>
        <source>Fade</source>
        <translation>淡入淡出</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="75"/>
        <source>Fade from the program to the preview</source>
        <translation>从节目淡入淡出到预览</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="80"/>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="82"/>
        <source>How long a fade lasts</source>
        <translation>淡入淡出的时长</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="129"/>
        <source>Preview: %1</source>
        <translation>预览：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_view.py" line="130"/>
        <source>Program: %1</source>
        <translation>节目：%1</translation>
    </message>
</context>
<context>
    <name>StudioWindow</name>
    <message>
        <location filename="../../ui/studio_window.py" line="119"/>
        <source>ShopCast Studio</source>
        <translation>ShopCast 直播工作台</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="138"/>
        <source>Broadcast</source>
        <translation>直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="142"/>
        <source>Host camera:</source>
        <translation>主播摄像头：</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="145"/>
        <source>What the host camera source shows, in every scene</source>
        <translation>主播摄像头来源显示的画面（所有场景通用）</translation>
    </message>
    <message>
        <location filename="../../ui/rehearsal_switch.py" line="37"/>
        <source>Rehearsal</source>
        <translation>彩排</translation>
    </message>
    <message>
        <location filename="../../ui/rehearsal_switch.py" line="42"/>
        <source>Rehearse the whole show before going public: the room is unlisted and orders are test orders; switching it off cancels them and ends the rehearsal&apos;s campaigns. Chosen before going live.</source>
        <translation>正式开播前完整彩排：直播间不公开，订单均为测试订单；关闭彩排会取消这些订单并结束彩排中的活动。须在开播前选择。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="156"/>
        <location filename="../../ui/studio_window.py" line="562"/>
        <source>Go Live</source>
        <translation>开始直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="160"/>
        <source>Stream</source>
        <translation>推流</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="165"/>
        <source>Viewer link</source>
        <translation>观众链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="168"/>
        <source>Starting the relay…</source>
        <translation>正在启动中继服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="170"/>
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="173"/>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="176"/>
        <source>Post-live report</source>
        <translation>复盘报告</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="178"/>
        <source>The show&apos;s numbers, segments and comment topics as one page</source>
        <translation>本场数据、讲解段与评论话题，一页看完</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="181"/>
        <source>Relay: starting…</source>
        <translation>中继：正在启动…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="187"/>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="218"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="226"/>
        <source>Studio mode</source>
        <translation>工作室模式</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="231"/>
        <source>Prepare the next scene in the preview, then put it on air with a transition</source>
        <translation>先在预览中准备下一个场景，再用转场切到直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="234"/>
        <source>Safe zone</source>
        <translation>安全区</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="239"/>
        <source>Shade what the phone apps cover: the top bar, the buttons on the right, the comments below</source>
        <translation>用阴影标出手机 App 遮挡的区域：顶部栏、右侧按钮、底部评论区</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="242"/>
        <source>Canvas:</source>
        <translation>画布：</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="245"/>
        <source>Which format the views, the Scenes and the Sources docks show</source>
        <translation>画面、“场景”和“来源”面板显示哪个画幅</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="257"/>
        <source>Portrait %1</source>
        <translation>竖屏 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="259"/>
        <source>Landscape %1</source>
        <translation>横屏 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="295"/>
        <source>Products</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="296"/>
        <source>Flash sale</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="297"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="298"/>
        <source>Group-buy</source>
        <translation>拼团</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="299"/>
        <source>Comments</source>
        <translation>评论</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="300"/>
        <source>Q&amp;&amp;A</source>
        <translation>问答</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="301"/>
        <source>Polls</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="302"/>
        <source>Lucky draw</source>
        <translation>福袋</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="303"/>
        <source>Co-hosts</source>
        <translation>连麦</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="304"/>
        <source>Assistants</source>
        <translation>中控</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="432"/>
        <source>test mode — orders are not charged</source>
        <translation>测试模式 — 订单不会真实扣款</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="432"/>
        <source>live</source>
        <translation>正式</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="435"/>
        <source>Watching: %1 · Likes: %2 · Paid orders: %3</source>
        <translation>在线：%1 · 点赞：%2 · 已支付订单：%3</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="440"/>
        <source>Payments: %1</source>
        <translation>支付：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="447"/>
        <source>Camera %1</source>
        <translation>摄像头 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="448"/>
        <source>Test pattern</source>
        <translation>测试画面</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="449"/>
        <source>Media file…</source>
        <translation>媒体文件…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="498"/>
        <source>Not changed: %1</source>
        <translation>未更改：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="508"/>
        <source>Relay: none configured</source>
        <translation>中继：未配置</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="545"/>
        <source>End the live stream?</source>
        <translation>结束直播？</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="546"/>
        <source>Viewers will see that the live stream has ended.</source>
        <translation>观众将看到直播已结束。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="558"/>
        <source>End Live</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="562"/>
        <source>Start rehearsal</source>
        <translation>开始彩排</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="565"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="565"/>
        <source>Rehearsal: ready</source>
        <translation>彩排：就绪</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="569"/>
        <source>Going live…</source>
        <translation>正在开播…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="569"/>
        <source>Ending…</source>
        <translation>正在结束…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="613"/>
        <source>Rehearsing: the room is unlisted and orders are test orders.</source>
        <translation>彩排中：直播间不公开，订单为测试订单。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="631"/>
        <source>Rehearsal run ended. Switch Rehearsal off to cancel its test orders before the real show.</source>
        <translation>彩排结束。正式开播前请关闭彩排，以取消彩排中的测试订单。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="656"/>
        <source>REHEARSAL</source>
        <translation>彩排中</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="658"/>
        <source>LIVE</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="615"/>
        <source>You are live.</source>
        <translation>已开播。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="620"/>
        <source>Could not go live: %1</source>
        <translation>无法开播：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="634"/>
        <source>Live ended: %1 segments delivered.</source>
        <translation>直播已结束：已送达 %1 个分片。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="639"/>
        <source>Live ended, but not everything was delivered: %1</source>
        <translation>直播已结束，但部分内容未送达：%1</translation>
    </message>
    <message>
        <location filename="../../ui/rehearsal_switch.py" line="88"/>
        <source>Rehearsal on: the room is unlisted and orders are test orders until you switch it off.</source>
        <translation>彩排已开启：关闭之前，直播间不公开，订单均为测试订单。</translation>
    </message>
    <message>
        <location filename="../../ui/rehearsal_switch.py" line="97"/>
        <source>Rehearsal off: %1 test orders cancelled and their stock put back.</source>
        <translation>彩排已关闭：已取消 %1 笔测试订单，库存已退回。</translation>
    </message>
    <message>
        <location filename="../../ui/rehearsal_switch.py" line="112"/>
        <source>Rehearsal not changed: %1</source>
        <translation>彩排状态未更改：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="680"/>
        <source>Writing the post-live report…</source>
        <translation>正在生成复盘报告…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="689"/>
        <source>Post-live report saved: %1</source>
        <translation>复盘报告已保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="697"/>
        <source>Could not write the post-live report: %1</source>
        <translation>无法生成复盘报告：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="710"/>
        <source>Relay: ready at %1</source>
        <translation>中继：已就绪（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="718"/>
        <source>Relay: not available</source>
        <translation>中继：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="719"/>
        <source>The relay could not start: %1</source>
        <translation>中继服务器无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="730"/>
        <source>Viewer link copied</source>
        <translation>观众链接已复制</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="740"/>
        <source>Choose a video</source>
        <translation>选择视频</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="742"/>
        <source>Videos (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</source>
        <translation>视频 (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="757"/>
        <source>Source: %1</source>
        <translation>画面来源：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="778"/>
        <source>reconnecting in %1 s</source>
        <translation>%1 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="780"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="782"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="786"/>
        <source>skipped %1 frames</source>
        <translation>跳过 %1 帧</translation>
    </message>
</context>
</TS>
