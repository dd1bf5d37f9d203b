#!/usr/bin/python3
"""Where the banner goes (maint_html.c), checked against a real HTML5
parser: random pages from HTML's tricky pieces; where the scan answers an
offset, a probe element goes there and the page is parsed by html5lib (the
WHATWG algorithm, scripting on).  The probe must come out as one element
in <body>, not in a template, script, style, textarea, title, noscript,
svg, math or select.  html5lib 1.1 keeps content after "</template>" in
the template in some table and attribute cases where browsers close it:
such a finding is checked again with headless Chromium when there is one.

Not part of the suite (it needs Debian's python3-html5lib):

    tests/fuzz/html_oracle.py [seed] [count]
"""

import ctypes
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import html5lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TMP = tempfile.mkdtemp()
LIB = os.path.join(TMP, 'libmaint_html.so')
subprocess.check_call(['cc', '-O2', '-shared', '-fPIC', '-o', LIB,
                       '-I' + ROOT + '/ngx_maint_module',
                       ROOT + '/core/maint_html.c'])
lib = ctypes.CDLL(LIB)
lib.maint_html_feed.restype = ctypes.c_ssize_t
STATE = ctypes.c_char * 512         # more than sizeof(maint_html_t)


def scan(b):
    h = STATE()
    lib.maint_html_init(h, ctypes.c_size_t(65536))
    r = lib.maint_html_feed(h, b, ctypes.c_size_t(len(b)))
    return r if r >= 0 else None


PIECES = [
    '<script>', '</script>', '</script >', '</SCRIPT/>', '<!--', '-->',
    '--!>', '<!-', '->', '<body>', '<BODY class=x>', '<body title="',
    '<body/>', '<bodyx>', '"', "'", '>', '<', '</', '<textarea>',
    '</textarea>', '<title>', '</title>', '<style>', '</style>',
    '<template>', '</template>', '<noscript>', '</noscript>', '<xmp>',
    '</xmp>', '<iframe>', '</iframe>', '<noembed>', '</noembed>',
    '<noframes>', '</noframes>', '<div title=', '<div title="',
    "<div title='", '<p>', '</p>', 'x', ' ', '<!DOCTYPE html>',
    '<!doctype ', '<?', '<!x', '<![CDATA[', ']]>', '<svg>', '</svg>',
    '<math>', '<select>', '</select>', '<table>', '<tr>', '<td>', '<html>',
    '<head>', '</head>', '=', '/', '<a href=x ', '\n', '<plaintext>',
    '<frameset>', '<!--<script>', 'a=b ',
]
PROBE = '<div id="maintprobe"></div>'
HIDDEN = ('template', 'script', 'style', 'textarea', 'title', 'noscript',
          'svg', 'math', 'select')


def html5lib_says(page):
    """None when the probe is where it must be, else why not."""
    try:
        doc = html5lib.parse(page, namespaceHTMLElements=False, scripting=True)
    except AssertionError:          # html5lib's own bugs at end of input
        return None
    found = [e for e in doc.iter()
             if isinstance(e.tag, str) and e.get('id') == 'maintprobe']
    if len(found) != 1:
        return '%d probe elements' % len(found)
    parent = {c: p for p in doc.iter() for c in p}
    e, above = found[0], []
    while e in parent:
        e = parent[e]
        above.append(str(e.tag))
    if any(t in HIDDEN or '}' in t for t in above):
        return 'inside ' + '<'.join(above)
    if 'body' not in above:
        return 'not in body: ' + '<'.join(above)
    return None


def chromium_agrees(page):
    """The probe outside any template in Chromium's DOM."""
    exe = shutil.which('chromium')
    if exe is None:
        return False
    f = os.path.join(TMP, 'page.html')
    with open(f, 'w') as fh:
        fh.write(page)
    out = subprocess.run([exe, '--headless', '--no-sandbox', '--disable-gpu',
                          '--dump-dom', 'file://' + f], capture_output=True,
                         text=True, timeout=60).stdout
    i = out.find(PROBE)
    before = re.sub(r'<!--.*?-->', '', out[:i], flags=re.S)
    return i > 0 and before.count('<template') == before.count('</template>')


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rnd = random.Random(seed)
    placed = bad = rechecked = 0
    for _ in range(count):
        page = ''.join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 25)))
        off = scan(page.encode())
        if off is None:
            continue
        placed += 1
        page = page[:off] + PROBE + page[off:]
        why = html5lib_says(page)
        if why and why.startswith('inside') and 'template' in why:
            if chromium_agrees(page):
                rechecked += 1
                continue
        if why:
            bad += 1
            print('BAD', repr(page), why)
    print('pages %d, banner placed %d, wrong %d (html5lib template cases '
          'Chromium puts right: %d)' % (count, placed, bad, rechecked))
    shutil.rmtree(TMP)
    sys.exit(1 if bad else 0)


main()
