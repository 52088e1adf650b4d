#!/bin/sh
# node-powershell spawns its executable with PowerShell's arguments; this hands them to the double.
exec "${STANDBY_DOUBLE_NODE:-node}" "$(dirname "$0")/fake-powershell.ts" "$@"
