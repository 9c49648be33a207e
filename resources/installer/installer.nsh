; OneWindow installer additions (electron-builder `nsis.include`).
; 1. A config.json lying beside the installer (e.g. \\share\onewindow\config.json next to
;    OneWindow-Setup.exe) becomes the system-wide %ProgramData%\OneWindow\config.json, so one
;    silent command (`OneWindow-Setup.exe /S`) sets up a counter PC. An existing file is kept
;    as config.json.bak before it is replaced.
; 2. The last step runs `onewindow doctor` and leaves its report in
;    %ProgramData%\OneWindow\install-doctor.txt (exit code in install-doctor.exitcode).

!macro customInstall
  SetShellVarContext all
  CreateDirectory "$APPDATA\OneWindow"
  IfFileExists "$EXEDIR\config.json" 0 onewindow_no_config
    IfFileExists "$APPDATA\OneWindow\config.json" 0 +2
      CopyFiles /SILENT "$APPDATA\OneWindow\config.json" "$APPDATA\OneWindow\config.json.bak"
    CopyFiles /SILENT "$EXEDIR\config.json" "$APPDATA\OneWindow\config.json"
    DetailPrint "OneWindow：已复制系统配置文件到 $APPDATA\OneWindow\config.json"
  onewindow_no_config:
  ; `--cli` runs the onewindow command inside the packaged app (electron/main.ts) and exits;
  ; the GUI executable has no console, so doctor writes its report to a file (--out).
  ExecWait '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" --cli doctor --out "$APPDATA\OneWindow\install-doctor.txt"' $0
  FileOpen $2 "$APPDATA\OneWindow\install-doctor.exitcode" w
  FileWrite $2 $0
  FileClose $2
  DetailPrint "OneWindow 自检（onewindow doctor）退出码：$0"
!macroend

!macro customUnInstall
  ; The system config and the local data are IT's and the clerks' data: never removed here.
!macroend
