<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>QtPreview</name>
    <message>
        <location filename="../../ui/qt_preview.py" line="40" />
        <source>Starting the preview…</source>
        <translation>正在启动预览…</translation>
    </message>
</context>
<context>
    <name>StudioWindow</name>
    <message>
        <location filename="../../ui/studio_window.py" line="59" />
        <source>ShopCast Studio</source>
        <translation>ShopCast 直播工作台</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="71" />
        <source>Broadcast</source>
        <translation>直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="75" />
        <source>Source:</source>
        <translation>画面来源：</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="83" />
        <location filename="../../ui/studio_window.py" line="192" />
        <source>Go Live</source>
        <translation>开始直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="87" />
        <source>Stream</source>
        <translation>推流</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="92" />
        <source>Viewer link</source>
        <translation>观众链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="95" />
        <source>Starting the relay…</source>
        <translation>正在启动中继服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="97" />
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="100" />
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="103" />
        <source>Relay: starting…</source>
        <translation>中继：正在启动…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="106" />
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="122" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="131" />
        <source>Camera %1</source>
        <translation>摄像头 %1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="132" />
        <source>Test pattern</source>
        <translation>测试画面</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="133" />
        <source>Media file…</source>
        <translation>媒体文件…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="160" />
        <source>Relay: none configured</source>
        <translation>中继：未配置</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="175" />
        <source>End the live stream?</source>
        <translation>结束直播？</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="176" />
        <source>Viewers will see that the live stream has ended.</source>
        <translation>观众将看到直播已结束。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="188" />
        <source>End Live</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="195" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="199" />
        <source>Going live…</source>
        <translation>正在开播…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="199" />
        <source>Ending…</source>
        <translation>正在结束…</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="219" />
        <location filename="../../ui/studio_window.py" line="298" />
        <source>LIVE</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="220" />
        <source>You are live.</source>
        <translation>已开播。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="225" />
        <source>Could not go live: %1</source>
        <translation>无法开播：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="231" />
        <source>Live ended: %1 segments delivered.</source>
        <translation>直播已结束：已送达 %1 个分片。</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="235" />
        <source>Live ended, but not everything was delivered: %1</source>
        <translation>直播已结束，但部分内容未送达：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="246" />
        <source>Relay: ready at %1</source>
        <translation>中继：已就绪（%1）</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="254" />
        <source>Relay: not available</source>
        <translation>中继：不可用</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="255" />
        <source>The relay could not start: %1</source>
        <translation>中继服务器无法启动：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="261" />
        <source>Viewer link copied</source>
        <translation>观众链接已复制</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="270" />
        <source>Choose a video</source>
        <translation>选择视频</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="270" />
        <source>Videos (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</source>
        <translation>视频 (*.mp4 *.mov *.mkv *.webm *.flv *.ts)</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="285" />
        <source>Source: %1</source>
        <translation>画面来源：%1</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="303" />
        <source>reconnecting in %1 s</source>
        <translation>%1 秒后重连</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="305" />
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="307" />
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../../ui/studio_window.py" line="311" />
        <source>skipped %1 frames</source>
        <translation>跳过 %1 帧</translation>
    </message>
</context>
</TS>