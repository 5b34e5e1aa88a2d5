<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <location filename="../../ui/health_dock.py" line="67"/>
        <source>CPU usage (all cores)</source>
        <translation>CPU 占用（全部核心）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="70"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="71"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="72"/>
        <source>Reconnecting in %1 s</source>
        <translation>%1 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="73"/>
        <source>Reconnecting…</source>
        <translation>正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="74"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="75"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="76"/>
        <source>%1 files (%2)</source>
        <translation>%1 个文件（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="79"/>
        <source>Rendering is overloaded</source>
        <translation>渲染过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="80"/>
        <source>Rendering is struggling</source>
        <translation>渲染吃力</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="81"/>
        <source>Encoding is overloaded</source>
        <translation>编码过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="82"/>
        <source>Encoding is struggling</source>
        <translation>编码吃力</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="83"/>
        <source>The network is failing</source>
        <translation>网络故障</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="84"/>
        <source>The network is struggling</source>
        <translation>网络不畅</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="85"/>
        <location filename="../../ui/health_dock.py" line="86"/>
        <source>The CPU is overloaded</source>
        <translation>CPU 过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="89"/>
        <source>the %1 rung takes %2 a frame (budget %3)</source>
        <translation>%1 档每帧耗时 %2（预算 %3）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="90"/>
        <source>%1 of frames skipped in the last %2 s</source>
        <translation>最近 %2 秒跳过了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="91"/>
        <source>%1 of the %3 canvas&apos;s frames skipped in the last %2 s</source>
        <translation>%3 画幅最近 %2 秒跳过了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="92"/>
        <source>a frame takes %1 to render (budget %2)</source>
        <translation>每帧渲染耗时 %1（预算 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="93"/>
        <source>%1 of frames missed in the last %2 s</source>
        <translation>最近 %2 秒丢失了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="94"/>
        <source>%1 fps instead of %2</source>
        <translation>帧率只有 %1 fps，目标 %2 fps</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="95"/>
        <source>%1 stopped: %2</source>
        <translation>%1已停止：%2</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="96"/>
        <source>%1 cannot deliver, reconnecting in %2 s</source>
        <translation>%1无法送达，%2 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="97"/>
        <source>%1 cannot deliver, reconnecting…</source>
        <translation>%1无法送达，正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="98"/>
        <source>%1 dropped %2 of its files in the last %3 s</source>
        <translation>最近 %3 秒%1丢弃了 %2 的文件</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="99"/>
        <source>%1 cannot keep up: %2 waiting to be sent</source>
        <translation>%1发送跟不上：%2 等待发送</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="100"/>
        <source>ShopCast uses %1 of all CPU cores</source>
        <translation>ShopCast 占用了全部 CPU 核心的 %1</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="103"/>
        <source>relay</source>
        <translation>中继</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="104"/>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="105"/>
        <source>recording</source>
        <translation>录制</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="107"/>
        <source>portrait</source>
        <translation>竖屏</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="107"/>
        <source>landscape</source>
        <translation>横屏</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="133"/>
        <source>All good</source>
        <translation>一切正常</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="141"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="147"/>
        <source>Waiting for the first measurements…</source>
        <translation>正在等待首次测量…</translation>
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
    <message>
        <source>Monitoring is unavailable: %1</source>
        <translation type="vanished">无法监听：%1</translation>
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
        <source>none</source>
        <translation type="vanished">无</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="vanished">浏览…</translation>
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
    <name>QtCohostPanel</name>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="44"/>
        <source>connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="48"/>
        <source>Side by side</source>
        <translation>左右分屏</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="49"/>
        <source>Picture in picture</source>
        <translation>画中画</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="50"/>
        <source>Grid</source>
        <translation>宫格</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="54"/>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="57"/>
        <source>On the program</source>
        <translation>连麦中的嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="59"/>
        <source>Guest</source>
        <translation>嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="59"/>
        <location filename="../../ui/panels/cohost_panel.py" line="92"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="59"/>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="64"/>
        <source>Invite a guest</source>
        <translation>邀请嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="68"/>
        <source>Who is it for (optional)</source>
        <translation>邀请谁（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="74"/>
        <location filename="../../ui/panels/cohost_panel.py" line="92"/>
        <source>For</source>
        <translation>嘉宾</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="75"/>
        <source>Valid for</source>
        <translation>有效期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="77"/>
        <source>Create invite link</source>
        <translation>生成邀请链接</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="82"/>
        <source>The link appears here</source>
        <translation>链接将显示在这里</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="83"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="90"/>
        <source>The guest can scan this with a phone</source>
        <translation>嘉宾可用手机扫码加入</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="92"/>
        <source>Expires</source>
        <translation>到期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="120"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="120"/>
        <source>on air</source>
        <translation>连麦中</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="120"/>
        <source>left</source>
        <translation>已离开</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="128"/>
        <source>Remove</source>
        <translation>移出</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="137"/>
        <location filename="../../ui/panels/cohost_panel.py" line="143"/>
        <source>That guest has left</source>
        <translation>该嘉宾已离开</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="145"/>
        <source>%1 was removed from the program</source>
        <translation>已将 %1 移出连麦</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="153"/>
        <source>%1 left</source>
        <translation>%1 已退出连麦</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="155"/>
        <source>%1&apos;s connection was lost</source>
        <translation>%1 的连接已断开</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="157"/>
        <source>%1 left (%2)</source>
        <translation>%1 已离开（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="178"/>
        <source>Invite created: send the link or let the guest scan the code</source>
        <translation>邀请已生成：发送链接或让嘉宾扫码</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="183"/>
        <source>Link copied</source>
        <translation>链接已复制</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="207"/>
        <source>open</source>
        <translation>可用</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="208"/>
        <source>used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="209"/>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="210"/>
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="220"/>
        <source>Revoke</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/panels/cohost_panel.py" line="235"/>
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
        <location filename="../../ui/scenes_dock.py" line="329"/>
        <source>Empty scene</source>
        <translation>空白场景</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="331"/>
        <source>From a template</source>
        <translation>从模板添加</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="347"/>
        <source>Scene %1</source>
        <translation>场景 %1</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="394"/>
        <source>Remove the scene?</source>
        <translation>删除场景？</translation>
    </message>
    <message>
        <location filename="../../ui/scenes_dock.py" line="395"/>
        <source>Remove the scene “%1”? Its layers go with it; its sources stay.</source>
        <translation>删除场景“%1”？其中的图层会一并删除，来源会保留。</translation>
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
        <location filename="../../ui/sources_dock.py" line="115"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="130"/>
        <source>Add a source to the scene: a new one, or one the show has</source>
        <translation>向场景添加来源：新建来源，或使用已有的来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="137"/>
        <source>Remove the layer from the scene</source>
        <translation>从场景中移除图层</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="139"/>
        <source>Bring the layer forward</source>
        <translation>图层上移一层</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="141"/>
        <source>Send the layer backward</source>
        <translation>图层下移一层</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="230"/>
        <source>Shown: click to hide</source>
        <translation>显示中：点击隐藏</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="230"/>
        <source>Hidden: click to show</source>
        <translation>已隐藏：点击显示</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="237"/>
        <source>Locked: cannot be moved on the preview; click to unlock</source>
        <translation>已锁定：无法在预览中移动；点击解锁</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="239"/>
        <source>Click to lock in place</source>
        <translation>点击锁定位置</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="328"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="329"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="329"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="332"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="332"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="335"/>
        <source>Fill the canvas</source>
        <translation>铺满画布</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="337"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="354"/>
        <source>New source</source>
        <translation>新建来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="360"/>
        <source>Existing source</source>
        <translation>已有来源</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="397"/>
        <source>Remove the layer?</source>
        <translation>移除图层？</translation>
    </message>
    <message>
        <location filename="../../ui/sources_dock.py" line="398"/>
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
        <location filename="../../ui/studio_window.py" line="90"/>
        <source>ShopCast Studio</source>
        <translation>ShopCast 直播工作台</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="104"/>
        <source>Broadcast</source>
        <translation>直播</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation type="vanished">画面来源：</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="108"/>
        <source>Host camera:</source>
        <translation>主播摄像头：</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="111"/>
        <source>What the host camera source shows, in every scene</source>
        <translation>主播摄像头来源显示的画面（所有场景通用）</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="118"/>
        <location filename="../../ui/studio_window.py" line="473"/>
        <source>Go Live</source>
        <translation>开始直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="122"/>
        <source>Stream</source>
        <translation>推流</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="127"/>
        <source>Viewer link</source>
        <translation>观众链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="130"/>
        <source>Starting the relay…</source>
        <translation>正在启动中继服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="132"/>
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="135"/>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="138"/>
        <source>Post-live report</source>
        <translation>复盘报告</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="140"/>
        <source>The show&apos;s numbers, segments and comment topics as one page</source>
        <translation>本场数据、讲解段与评论话题，一页看完</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="143"/>
        <source>Relay: starting…</source>
        <translation>中继：正在启动…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="149"/>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="180"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="188"/>
        <source>Studio mode</source>
        <translation>工作室模式</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="193"/>
        <source>Prepare the next scene in the preview, then put it on air with a transition</source>
        <translation>先在预览中准备下一个场景，再用转场切到直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="196"/>
        <source>Safe zone</source>
        <translation>安全区</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="201"/>
        <source>Shade what the phone apps cover: the top bar, the buttons on the right, the comments below</source>
        <translation>用阴影标出手机 App 遮挡的区域：顶部栏、右侧按钮、底部评论区</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="204"/>
        <source>Canvas:</source>
        <translation>画布：</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="207"/>
        <source>Which format the views, the Scenes and the Sources docks show</source>
        <translation>画面、“场景”和“来源”面板显示哪个画幅</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="219"/>
        <source>Portrait %1</source>
        <translation>竖屏 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="221"/>
        <source>Landscape %1</source>
        <translation>横屏 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="257"/>
        <source>Products</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="258"/>
        <source>Flash sale</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="259"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="260"/>
        <source>Group-buy</source>
        <translation>拼团</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="261"/>
        <source>Comments</source>
        <translation>评论</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="262"/>
        <source>Q&amp;&amp;A</source>
        <translation>问答</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="263"/>
        <source>Polls</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="264"/>
        <source>Lucky draw</source>
        <translation>福袋</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="265"/>
        <source>Co-hosts</source>
        <translation>连麦</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="356"/>
        <source>test mode — orders are not charged</source>
        <translation>测试模式 — 订单不会真实扣款</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="356"/>
        <source>live</source>
        <translation>正式</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="359"/>
        <source>Watching: %1 · Likes: %2 · Paid orders: %3</source>
        <translation>在线：%1 · 点赞：%2 · 已支付订单：%3</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="364"/>
        <source>Payments: %1</source>
        <translation>支付：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="371"/>
        <source>Camera %1</source>
        <translation>摄像头 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="372"/>
        <source>Test pattern</source>
        <translation>测试画面</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="373"/>
        <source>Media file…</source>
        <translation>媒体文件…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="421"/>
        <source>Not changed: %1</source>
        <translation>未更改：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="431"/>
        <source>Relay: none configured</source>
        <translation>中继：未配置</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="456"/>
        <source>End the live stream?</source>
        <translation>结束直播？</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="457"/>
        <source>Viewers will see that the live stream has ended.</source>
        <translation>观众将看到直播已结束。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="469"/>
        <source>End Live</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="476"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="480"/>
        <source>Going live…</source>
        <translation>正在开播…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="480"/>
        <source>Ending…</source>
        <translation>正在结束…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="501"/>
        <location filename="../../ui/studio_window.py" line="636"/>
        <source>LIVE</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="502"/>
        <source>You are live.</source>
        <translation>已开播。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="507"/>
        <source>Could not go live: %1</source>
        <translation>无法开播：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="516"/>
        <source>Live ended: %1 segments delivered.</source>
        <translation>直播已结束：已送达 %1 个分片。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="521"/>
        <source>Live ended, but not everything was delivered: %1</source>
        <translation>直播已结束，但部分内容未送达：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="544"/>
        <source>Writing the post-live report…</source>
        <translation>正在生成复盘报告…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="553"/>
        <source>Post-live report saved: %1</source>
        <translation>复盘报告已保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="561"/>
        <source>Could not write the post-live report: %1</source>
        <translation>无法生成复盘报告：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="573"/>
        <source>Relay: ready at %1</source>
        <translation>中继：已就绪（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="581"/>
        <source>Relay: not available</source>
        <translation>中继：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="582"/>
        <source>The relay could not start: %1</source>
        <translation>中继服务器无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="593"/>
        <source>Viewer link copied</source>
        <translation>观众链接已复制</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="603"/>
        <source>Choose a video</source>
        <translation>选择视频</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="605"/>
        <source>Videos (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</source>
        <translation>视频 (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="620"/>
        <source>Source: %1</source>
        <translation>画面来源：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="641"/>
        <source>reconnecting in %1 s</source>
        <translation>%1 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="643"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="645"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="649"/>
        <source>skipped %1 frames</source>
        <translation>跳过 %1 帧</translation>
    </message>
</context>
</TS>
