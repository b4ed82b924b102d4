#!/bin/sh
echo "hello {{ .Release.Name }}"
