<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FiltersDock</name>
    <message>
        <location filename="../../ui/filters_dock.py" line="310"/>
        <source>Filters</source>
        <translation>滤镜</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="318"/>
        <source>Microphone level (after filters)</source>
        <translation>麦克风电平（滤镜后）</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="321"/>
        <source>L</source>
        <translation>左</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="321"/>
        <source>R</source>
        <translation>右</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="327"/>
        <source>Video filters</source>
        <translation>视频滤镜</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="328"/>
        <source>Overlays (over the whole program)</source>
        <translation>叠加层（覆盖整个画面）</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="329"/>
        <source>Audio filters</source>
        <translation>音频滤镜</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="342"/>
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
        <source>Encode time, %1</source>
        <translation>编码耗时（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="61"/>
        <source>Bitrate, %1</source>
        <translation>码率（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="62"/>
        <source>Audio bitrate</source>
        <translation>音频码率</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="63"/>
        <source>Output %1</source>
        <translation>%1输出</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="64"/>
        <source>Output %1: queue</source>
        <translation>%1输出队列</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="65"/>
        <source>Output %1: dropped files (last 10 s)</source>
        <translation>%1输出丢弃的文件（最近 10 秒）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="66"/>
        <source>CPU usage (all cores)</source>
        <translation>CPU 占用（全部核心）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="69"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="70"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="71"/>
        <source>Reconnecting in %1 s</source>
        <translation>%1 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="72"/>
        <source>Reconnecting…</source>
        <translation>正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="73"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="74"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="75"/>
        <source>%1 files (%2)</source>
        <translation>%1 个文件（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="78"/>
        <source>Rendering is overloaded</source>
        <translation>渲染过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="79"/>
        <source>Rendering is struggling</source>
        <translation>渲染吃力</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="80"/>
        <source>Encoding is overloaded</source>
        <translation>编码过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="81"/>
        <source>Encoding is struggling</source>
        <translation>编码吃力</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="82"/>
        <source>The network is failing</source>
        <translation>网络故障</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="83"/>
        <source>The network is struggling</source>
        <translation>网络不畅</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="84"/>
        <location filename="../../ui/health_dock.py" line="85"/>
        <source>The CPU is overloaded</source>
        <translation>CPU 过载</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="88"/>
        <source>the %1 rung takes %2 a frame (budget %3)</source>
        <translation>%1 档每帧耗时 %2（预算 %3）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="89"/>
        <source>%1 of frames skipped in the last %2 s</source>
        <translation>最近 %2 秒跳过了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="90"/>
        <source>a frame takes %1 to render (budget %2)</source>
        <translation>每帧渲染耗时 %1（预算 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="91"/>
        <source>%1 of frames missed in the last %2 s</source>
        <translation>最近 %2 秒丢失了 %1 的帧</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="92"/>
        <source>%1 fps instead of %2</source>
        <translation>帧率只有 %1 fps，目标 %2 fps</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="93"/>
        <source>%1 stopped: %2</source>
        <translation>%1已停止：%2</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="94"/>
        <source>%1 cannot deliver, reconnecting in %2 s</source>
        <translation>%1无法送达，%2 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="95"/>
        <source>%1 cannot deliver, reconnecting…</source>
        <translation>%1无法送达，正在重连…</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="96"/>
        <source>%1 dropped %2 of its files in the last %3 s</source>
        <translation>最近 %3 秒%1丢弃了 %2 的文件</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="97"/>
        <source>%1 cannot keep up: %2 waiting to be sent</source>
        <translation>%1发送跟不上：%2 等待发送</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="98"/>
        <source>ShopCast uses %1 of all CPU cores</source>
        <translation>ShopCast 占用了全部 CPU 核心的 %1</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="101"/>
        <source>relay</source>
        <translation>中继</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="102"/>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="103"/>
        <source>recording</source>
        <translation>录制</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="121"/>
        <source>All good</source>
        <translation>一切正常</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="127"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../../ui/health_dock.py" line="133"/>
        <source>Waiting for the first measurements…</source>
        <translation>正在等待首次测量…</translation>
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
    <name>PluginBox</name>
    <message>
        <location filename="../../ui/filters_dock.py" line="80"/>
        <source>Keep on when the machine is busy</source>
        <translation>机器繁忙时也保持开启</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="83"/>
        <source>Never bypass this filter to save CPU: frames are skipped instead when the machine is short</source>
        <translation>不为节省 CPU 而旁路此滤镜：机器算力不足时改为跳帧</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="172"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="173"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="249"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="251"/>
        <source>Failed, passed through: %1</source>
        <translation>出错，已直通：%1</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="253"/>
        <source>Bypassed to save CPU: %1</source>
        <translation>为节省 CPU 已暂停：%1</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="255"/>
        <source>On</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="257"/>
        <source>On, %1 ms per audio block</source>
        <translation>开启，每个音频块 %1 毫秒</translation>
    </message>
    <message>
        <location filename="../../ui/filters_dock.py" line="258"/>
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
        <location filename="../../ui/qt_preview.py" line="40"/>
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
    <name>StudioWindow</name>
    <message>
        <location filename="../../ui/studio_window.py" line="82"/>
        <source>ShopCast Studio</source>
        <translation>ShopCast 直播工作台</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="94"/>
        <source>Broadcast</source>
        <translation>直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="98"/>
        <source>Source:</source>
        <translation>画面来源：</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="106"/>
        <location filename="../../ui/studio_window.py" line="361"/>
        <source>Go Live</source>
        <translation>开始直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="110"/>
        <source>Stream</source>
        <translation>推流</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="115"/>
        <source>Viewer link</source>
        <translation>观众链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="118"/>
        <source>Starting the relay…</source>
        <translation>正在启动中继服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="120"/>
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="123"/>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="126"/>
        <source>Post-live report</source>
        <translation>复盘报告</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="128"/>
        <source>The show&apos;s numbers, segments and comment topics as one page</source>
        <translation>本场数据、讲解段与评论话题，一页看完</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="131"/>
        <source>Relay: starting…</source>
        <translation>中继：正在启动…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="137"/>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="167"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="186"/>
        <source>Products</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="187"/>
        <source>Flash sale</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="188"/>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="189"/>
        <source>Group-buy</source>
        <translation>拼团</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="190"/>
        <source>Comments</source>
        <translation>评论</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="191"/>
        <source>Q&amp;&amp;A</source>
        <translation>问答</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="192"/>
        <source>Polls</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="193"/>
        <source>Lucky draw</source>
        <translation>福袋</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="194"/>
        <source>Co-hosts</source>
        <translation>连麦</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="272"/>
        <source>test mode — orders are not charged</source>
        <translation>测试模式 — 订单不会真实扣款</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="272"/>
        <source>live</source>
        <translation>正式</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="275"/>
        <source>Watching: %1 · Likes: %2 · Paid orders: %3</source>
        <translation>在线：%1 · 点赞：%2 · 已支付订单：%3</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="280"/>
        <source>Payments: %1</source>
        <translation>支付：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="287"/>
        <source>Camera %1</source>
        <translation>摄像头 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="288"/>
        <source>Test pattern</source>
        <translation>测试画面</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="289"/>
        <source>Media file…</source>
        <translation>媒体文件…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="319"/>
        <source>Relay: none configured</source>
        <translation>中继：未配置</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="344"/>
        <source>End the live stream?</source>
        <translation>结束直播？</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="345"/>
        <source>Viewers will see that the live stream has ended.</source>
        <translation>观众将看到直播已结束。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="357"/>
        <source>End Live</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="364"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="368"/>
        <source>Going live…</source>
        <translation>正在开播…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="368"/>
        <source>Ending…</source>
        <translation>正在结束…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="389"/>
        <location filename="../../ui/studio_window.py" line="524"/>
        <source>LIVE</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="390"/>
        <source>You are live.</source>
        <translation>已开播。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="395"/>
        <source>Could not go live: %1</source>
        <translation>无法开播：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="404"/>
        <source>Live ended: %1 segments delivered.</source>
        <translation>直播已结束：已送达 %1 个分片。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="409"/>
        <source>Live ended, but not everything was delivered: %1</source>
        <translation>直播已结束，但部分内容未送达：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="432"/>
        <source>Writing the post-live report…</source>
        <translation>正在生成复盘报告…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="441"/>
        <source>Post-live report saved: %1</source>
        <translation>复盘报告已保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="449"/>
        <source>Could not write the post-live report: %1</source>
        <translation>无法生成复盘报告：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="461"/>
        <source>Relay: ready at %1</source>
        <translation>中继：已就绪（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="469"/>
        <source>Relay: not available</source>
        <translation>中继：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="470"/>
        <source>The relay could not start: %1</source>
        <translation>中继服务器无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="481"/>
        <source>Viewer link copied</source>
        <translation>观众链接已复制</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="491"/>
        <source>Choose a video</source>
        <translation>选择视频</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="493"/>
        <source>Videos (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</source>
        <translation>视频 (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="508"/>
        <source>Source: %1</source>
        <translation>画面来源：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="529"/>
        <source>reconnecting in %1 s</source>
        <translation>%1 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="531"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="533"/>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="537"/>
        <source>skipped %1 frames</source>
        <translation>跳过 %1 帧</translation>
    </message>
</context>
</TS>
