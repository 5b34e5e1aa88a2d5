; Inno Setup 6.3+ script of ShopCast's Windows installer (docs/packaging.md). First build the folder
; (packaging\pyinstaller\shopcast-windows.spec, run from the repository's root) and sign its .exe files,
; then, from the repository's root:   iscc packaging\windows\shopcast.iss
; It installs dist\shopcast\ under Program Files, a Start menu entry for the studio, an uninstaller.
; The version is the one the build stamped on shopcast.exe (app.__version__).

#define Dist AddBackslash(SourcePath) + "..\..\dist\shopcast"
#define Icons AddBackslash(SourcePath) + "..\..\build\shopcast-windows\icons"
#define AppVersion GetFileProductVersionString(Dist + "\shopcast.exe")
#define Chinese FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")

[Setup]
; The AppId ties every version's installer to the same installed program: never change it.
AppId={{2E93382F-5915-4214-AEC6-F5BD774ACD83}
AppName=ShopCast Studio
AppVersion={#AppVersion}
AppPublisher=ShopCast
DefaultDirName={autopf}\ShopCast
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
SetupIconFile={#Icons}\shopcast.ico
UninstallDisplayIcon={app}\shopcast-studio.exe
OutputDir={#Dist}\..
OutputBaseFilename=ShopCast-Studio-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
#if Chinese
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[CustomMessages]
en.StudioName=ShopCast Studio
#if Chinese
zh_CN.StudioName=ShopCast 直播工作台
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{autoprograms}\{cm:StudioName}"; Filename: "{app}\shopcast-studio.exe"
Name: "{autodesktop}\{cm:StudioName}"; Filename: "{app}\shopcast-studio.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\shopcast-studio.exe"; Description: "{cm:LaunchProgram,{cm:StudioName}}"; Flags: nowait postinstall skipifsilent
