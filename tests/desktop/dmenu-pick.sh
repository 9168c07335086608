#!/bin/sh
# Stands in for dmenu in dunst's context menu: prints the offered action line that contains
# the text in $DUNST_PICK_FILE (the first line when empty), so a test can "press" a button.
in=$(cat)
printf '%s\n' "$in" >> "${DUNST_PICK_FILE}.offered"
pat=$(cat "$DUNST_PICK_FILE" 2>/dev/null)
if [ -n "$pat" ]; then printf '%s\n' "$in" | grep -F -- "$pat" | head -1; else printf '%s\n' "$in" | head -1; fi
