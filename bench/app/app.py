# The original design's app: a few lines of Flask that say which region and host served the
# request, and answer 200 at /health. The baseline hadr's app is measured against.
import os
import socket

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/")
def index():
    return jsonify(region=os.environ.get("REGION_NAME", "unknown"), hostname=socket.gethostname())


@app.route("/health")
def health():
    return "OK", 200
