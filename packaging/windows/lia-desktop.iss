; Inno Setup 6 script: per-user install of the PyInstaller one-folder build (dist\lia-desktop).
; Build on Windows:  iscc /DAppVersion=0.1.0 packaging\windows\lia-desktop.iss
;
; Toasts from an unpackaged desktop app need an AppUserModelID that Windows can resolve:
; a Start Menu shortcut carrying it, plus HKCU\Software\Classes\AppUserModelId\<id> with the
; display name and icon. desktop-notifier uses its app_name as that id and writes the same key
; at run time, so AppUserModelID below must equal the app_name the app gives DesktopNotifier
; (NOTIFIER_APP_ID in lia_desktop/app.py; tests/platform/test_app_identity.py checks they match).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "LIA Desktop"
#define AppExe "lia-desktop.exe"
#define AppUserModelID "LIA Desktop"

[Setup]
AppId={{6F1D3B52-8C1E-4E0B-9A57-3C2D7E4B9A10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=LIA
DefaultDirName={localappdata}\Programs\LIA Desktop
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
OutputDir=..\..\dist
OutputBaseFilename=lia-desktop-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\lia-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"

[Tasks]
Name: "autostart"; Description: "Start LIA Desktop when I sign in"; Flags: checkedonce

[Files]
Source: "..\..\dist\lia-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The shortcut that makes toasts work: it carries the AppUserModelID.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "{#AppUserModelID}"

[Registry]
Root: HKCU; Subkey: "Software\Classes\AppUserModelId\{#AppUserModelID}"; ValueType: string; ValueName: "DisplayName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\AppUserModelId\{#AppUserModelID}"; ValueType: string; ValueName: "IconUri"; ValueData: "{app}\_internal\resources\icons\lia-desktop-256.png"
; Same value services/autostart.py writes ("lia-desktop autostart on|off" toggles it later).
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Tasks: autostart; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName} now"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: filesandordirs; Name: "{app}"
