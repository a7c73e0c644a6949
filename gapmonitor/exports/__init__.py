"""What leaves the app for a room: figures as images, a one-page brief (PDF) and slides (PPTX), all made
from an Evidence (gapmonitor/evidence.py), offline."""
