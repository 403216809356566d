; NSIS installer for S3 Share (Windows). Build on Windows after `cargo build --release`:
;   makensis /DVERSION=0.1.0 packaging\windows\installer.nsi
; The release binary uses the windows subsystem (no console window on double-click) and
; carries the icon (build.rs embeds assets\icons\s3share.ico).
Unicode true
!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!define APPNAME "S3 Share"
!define EXE "s3share.exe"
Name "${APPNAME}"
OutFile "..\..\dist\S3-Share-${VERSION}-setup.exe"
InstallDir "$LOCALAPPDATA\Programs\S3 Share"
RequestExecutionLevel user
Icon "..\..\assets\icons\s3share.ico"
UninstallIcon "..\..\assets\icons\s3share.ico"
SetCompressor /SOLID lzma

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Install"
  SetOutPath "$INSTDIR"
  File "..\..\target\release\${EXE}"
  File "..\..\assets\icons\s3share.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\s3share.ico"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\s3share.ico"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\S3Share" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\S3Share" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\S3Share" "DisplayIcon" "$INSTDIR\s3share.ico"
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\S3Share" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\S3Share" "NoModify" 1
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\s3share.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "Software\Microsoft\Windows\CurrentVersion\Uninstall\S3Share"
SectionEnd
