#!/bin/bash
# deb post-install (electron-builder `deb.afterInstall`; ${executable} and
# ${sanitizedProductName} are filled in by electron-builder). Creates the system config folder
# and makes `onewindow` both the launcher (no arguments) and IT's command line
# (`onewindow doctor`, … run the packaged CLI through `--cli`, see electron/main.ts).
set -e
mkdir -p /etc/onewindow
chmod 755 /etc/onewindow
rm -f '/usr/bin/${executable}'
cat > '/usr/bin/${executable}' <<'SH'
#!/bin/sh
APP='/opt/${sanitizedProductName}/${executable}'
if [ "$#" -eq 0 ]; then exec "$APP"; fi
exec "$APP" --cli "$@"
SH
chmod 755 '/usr/bin/${executable}'
# Electron's sandbox helper must be setuid root where user namespaces are off (UOS / Kylin).
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
  chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
else
  chmod 0755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
fi
if hash update-desktop-database 2>/dev/null; then
  update-desktop-database /usr/share/applications || true
fi
exit 0
