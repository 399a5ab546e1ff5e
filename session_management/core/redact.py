"""Secret redaction of event data, before anything reaches a file or a backend.

Secrets are found two ways. By shape: ``FAMILIES`` is the table of credential formats, one row per
family (name, the literal prefixes its values start with, the pattern of a whole value, an example
shape); a new family is one row. By context, where a shape alone says nothing (a 32-hex value is
a hash until a name says otherwise): the value of a name that says secret (``export TWILIO_KEY=…``,
``"api_key": "…"``, ``password: …``, ``AccountKey=…;``), an ``Authorization:`` header, a curl
``-u user:pass``, a URL's password, a secret word followed by a value in a sentence — each value
kept only if it looks random, never if it looks like code, a word, a path or a placeholder.
Neither way takes a value ``PUBLISHED`` as an example (Firebase's SDK keys) for a secret.

Each match becomes ``[REDACTED:<family>]``. Every string in a record (keys included) is scanned,
and the value of a dict key that names a secret is replaced whole. Working on values rather than
on JSON text means the result is always valid JSON. Hooks are fresh processes, so a string pays
one scan for runs of token characters, each run's start checked against every family's prefix at
once (``_candidate``), and a few substring tests; a family's own pattern is compiled only when its
prefix occurs. ``SERVICES`` names what the context rules find after the service a name mentions.
"""

import re

RULES_VERSION = 2  # bumped whenever a change to the rules would redact stored data differently (see store/redaction)

# (family, literal prefixes of which one must occur, pattern of the whole value, example shape)
FAMILIES = [
    ("private-key", ("-----BEGIN",), r"-----BEGIN[ A-Z0-9_]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]{64,}?(?:-----END[ A-Z0-9_]{0,40}PRIVATE KEY(?: BLOCK)?-----|\Z)", "PEM/PGP block, BEGIN to END"),
    ("putty-private-key", ("PuTTY-User-Key-File-",), r"PuTTY-User-Key-File-\d:[\s\S]*?(?:Private-MAC: *[0-9a-fA-F]+|\Z)", "PuTTY-User-Key-File-3: … Private-MAC: hex"),
    ("age-secret-key", ("AGE-SECRET-KEY-1",), r"AGE-SECRET-KEY-1[0-9A-Z]{58}", "AGE-SECRET-KEY-1 + 58 bech32"),
    ("anthropic-key", ("sk-ant-",), r"sk-ant-[a-z0-9]+-[A-Za-z0-9_\-]{16,}", "sk-ant-api03-… (108 chars)"),
    ("openai-key", ("sk-",), r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}(?:T3BlbkFJ[A-Za-z0-9_\-]+)?", "sk-proj-…T3BlbkFJ…"),
    ("aws-access-key", ("AKIA", "ASIA", "ABIA", "ACCA", "A3T", "AGPA", "AIDA", "AROA"), r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b", "AKIA + 16 [A-Z2-7]"),
    ("aws-bedrock-key", ("ABSK", "bedrock-api-key-"), r"\bABSK[A-Za-z0-9+/]{100,280}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%]*", "ABSK + 109-269 base64"),
    ("github-token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})", "ghp_ + 30 base62 + 6 CRC32"),
    ("gitlab-token", ("glpat-", "gldt-", "glcbt-", "glffct-", "glft-", "glimt-", "glagent-", "gloas-", "glptt-", "glrt-", "glsoat-", "GR1348941"), r"\b(?:gl(?:pat|dt|ffct|ft|imt|agent|oas|rt|soat)-[\w.-]{20,300}|glcbt-\w{1,5}_[\w-]{20}|glptt-[0-9a-f]{40}|GR1348941[\w-]{20})", "glpat- + 20 [\\w-]"),
    ("gitlab-session-cookie", ("_gitlab_session=",), r"_gitlab_session=[0-9a-z]{32}", "_gitlab_session= + 32"),
    ("slack-token", ("xox", "xapp-"), r"\bxox(?:[abposre]|e\.xox[bp])-(?:\d-)?[0-9]{8,14}-[A-Za-z0-9-]{8,}|\bxox[ar]-(?:\d-)?[A-Za-z0-9]{16,48}\b|\bxoxe(?:\.xox[bp])?-\d-[A-Z0-9]{140,}|\bxapp-\d-[A-Za-z0-9-]{10,}", "xoxb-<10-13 digits>-<10-13 digits>-<24>"),
    ("slack-webhook", ("hooks.slack.com/",), r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]+", "https://hooks.slack.com/services/T…/B…/…"),
    ("teams-webhook", (".webhook.office.com/",), r"https://[a-z0-9]+\.webhook\.office\.com/webhookb2/[A-Za-z0-9@/-]+", "https://x.webhook.office.com/webhookb2/…"),
    ("discord-webhook", ("discord.com/api/webhooks/", "discordapp.com/api/webhooks/"), r"https://(?:\w+\.)?discord(?:app)?\.com/api/webhooks/\d+/[\w-]+", "https://discord.com/api/webhooks/id/token"),
    ("jwt", ("eyJ",), r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_/-]{5,}\.?[A-Za-z0-9_/=-]*", "eyJhbGci….eyJ….sig"),
    ("jwt-base64", ("ZXlK",), r"\bZXlK[A-Za-z0-9+/]{40,}={0,2}", "base64 of a JWT: ZXlK…"),
    ("gcp-api-key", ("AIza",), r"\bAIza[\w-]{35}(?![\w-])", "AIza + 35"),
    ("gcp-service-account", ("private_key_id",), r'\\?"private_key_id\\?"\s*:\s*\\?"[0-9a-f]{40}\\?"', "service account JSON key id"),
    ("stripe-key", ("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_", "whsec_"), r"\b(?:(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,99}|whsec_[A-Za-z0-9]{24,})", "sk_live_ + 24+ base62"),
    ("npm-token", ("npm_",), r"\bnpm_[A-Za-z0-9]{36}\b", "npm_ + 30 base62 + 6 CRC32"),
    ("pypi-token", ("pypi-AgE",), r"pypi-AgE[\w-]{50,1000}", "pypi-AgEIcHlwaS5vcmc…"),
    ("huggingface-token", ("hf_", "api_org_"), r"\b(?:hf|api_org)_[A-Za-z]{34}\b", "hf_ + 34 letters"),
    ("sendgrid-key", ("SG.",), r"\bSG\.[\w-]{16,32}\.[\w-]{16,64}|\bSG\.[\w=.-]{66}(?![\w=.-])", "SG.<22>.<43>"),
    ("sendinblue-key", ("xkeysib-", "xsmtpsib-"), r"\bx(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}", "xkeysib- + 64 hex + 16"),
    ("twilio-key", ("SK",), r"\bSK[0-9a-fA-F]{32}\b", "SK + 32 hex"),
    ("databricks-token", ("dapi", "dose"), r"\bd(?:api|ose)[a-f0-9]{32}(?:-\d)?\b", "dapi + 32 hex"),
    ("digitalocean-token", ("dop_v1_", "doo_v1_", "dor_v1_"), r"\bdo[por]_v1_[a-f0-9]{64}", "dop_v1_ + 64 hex"),
    ("sentry-token", ("sntrys_", "sntryu_"), r"\bsntrys_eyJ[A-Za-z0-9+/=_]{40,}|\bsntryu_[a-f0-9]{64}(?![a-f0-9])", "sntrys_eyJ… / sntryu_ + 64 hex"),
    ("cloudflare-origin-ca-key", ("v1.0-",), r"\bv1\.0-[a-f0-9]{24}-[a-f0-9]{146}", "v1.0- + 24 hex - 146 hex"),
    ("azure-ad-client-secret", ("Q~",), r"(?<![\w~.-])[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}(?![\w~.-])", "abc8Q~ + 31-34"),
    ("grafana-token", ("eyJrIjoi", "glc_", "glsa_"), r"\b(?:eyJrIjoi[A-Za-z0-9]{70,400}={0,3}|glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})", "glsa_ + 32 + _ + 8 hex"),
    ("vault-token", ("hvs.", "hvb.", "s."), r"\bhv[sb]\.[\w-]{90,300}|\bs\.[A-Za-z0-9]{24}\b", "hvs. + 90-120"),
    ("terraform-token", (".atlasv1.",), r"\b[a-z0-9]{14}\.atlasv1\.[a-z0-9\-_=]{60,70}", "<14>.atlasv1.<60-70>"),
    ("1password-token", ("ops_eyJ", "A3-"), r"\bops_eyJ[\w+/-]{100,}={0,3}|\bA3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}\b", "ops_eyJ… / A3-XXXXXX-…"),
    ("flyio-token", ("fo1_", "fm1a_", "fm1r_", "fm2_", "FlyV1 "), r"\b(?:fo1_[\w-]{43}|fm1[ar]_[a-zA-Z0-9+/]{100,}={0,3}|fm2_[a-zA-Z0-9+/]{100,}={0,3})|FlyV1 fm\d\w*_[\w+/=,-]{20,}", "fo1_ + 43"),
    ("heroku-key", ("HRKU-",), r"\bHRKU-[\w-]{60}", "HRKU-AA + 58"),
    ("shopify-token", ("shpss_", "shpat_", "shpca_", "shppa_"), r"\bshp(?:ss|at|ca|pa)_[a-fA-F0-9]{32}", "shpat_ + 32 hex"),
    ("square-token", ("EAAA", "sq0atp-", "sq0csp-"), r"\b(?:EAAA|sq0atp-)[\w-]{22,60}|\bsq0csp-[\w-]{43}", "sq0atp- + 22"),
    ("facebook-token", ("EAAM", "EAAC"), r"\bEAA[MC][A-Za-z0-9]{100,}", "EAAM + 100+"),
    ("facebook-access-token", ("|", "%7C"), r"\b\d{15,16}(?:\||%7C)[0-9A-Za-z_-]{27,40}\b", "<15-16 digit app id>|<27-40>"),
    ("airtable-token", ("pat",), r"\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b", "pat<14>.<64 hex>"),
    ("beamer-token", ("b_",), r"\bb_[a-z0-9=_\-]{44}(?![\w=-])", "b_ + 44"),
    ("adobe-client-secret", ("p8e-",), r"\bp8e-[A-Za-z0-9]{32}\b", "p8e- + 32"),
    ("alibaba-access-key", ("LTAI",), r"\bLTAI[A-Za-z0-9]{20}\b", "LTAI + 20"),
    ("artifactory-token", ("AKCp", "cmVmd"), r"\b(?:AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59})\b", "AKCp + 69"),
    ("authress-key", (".acc_", ".acc-"), r"\b(?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\.[a-z0-9]{4,6}\.acc[_-][a-z0-9-]{10,32}\.[a-z0-9+/_=-]{30,120}", "sc_<id>.<4>.acc_<id>.<secret>"),
    ("clickhouse-key", ("4b1d",), r"\b4b1d[A-Za-z0-9]{38}\b", "4b1d + 38"),
    ("clojars-token", ("CLOJARS_", "clojars_"), r"(?i)\bCLOJARS_[a-z0-9]{60}", "CLOJARS_ + 60"),
    ("doppler-token", ("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim."), r"\bdp\.(?:pt|st|sa|ct|scim)\.[A-Za-z0-9_.]{40,}", "dp.pt. + 43"),
    ("duffel-token", ("duffel_test_", "duffel_live_"), r"\bduffel_(?:test|live)_[A-Za-z0-9_\-=]{43}", "duffel_live_ + 43"),
    ("dynatrace-token", ("dt0c01.",), r"\bdt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}", "dt0c01.<24>.<64>"),
    ("easypost-token", ("EZAK", "EZTK"), r"\bEZ[AT]K[A-Za-z0-9]{54}\b", "EZAK + 54"),
    ("flutterwave-key", ("FLWPUBK", "FLWSECK"), r"\bFLW(?:PUBK|SECK)(?:_TEST)?-[A-Za-z0-9]{12,32}(?:-X)?", "FLWSECK_TEST- + 32 hex + -X"),
    ("frameio-token", ("fio-u-",), r"\bfio-u-[A-Za-z0-9\-_=]{64}", "fio-u- + 64"),
    ("freemius-key", ("'sk_", '"sk_'), r"(?<=['\"])sk_[\S]{29}(?=['\"])", "sk_ + 29 in quotes"),
    ("harness-token", ("pat.", "sat."), r"\b(?:pat|sat)\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9]{24}\.[a-zA-Z0-9]{20}", "pat.<22>.<24>.<20>"),
    ("infracost-token", ("ico-",), r"\bico-[a-zA-Z0-9]{32}\b", "ico- + 32"),
    ("intra42-secret", ("s-s4t2",), r"\bs-s4t2(?:ud|af)-[a-fA-F0-9]{64}", "s-s4t2ud- + 64 hex"),
    ("linear-token", ("lin_api_", "lin_oauth_"), r"\blin_(?:api|oauth)_[A-Za-z0-9]{40}", "lin_api_ + 40"),
    ("maxmind-key", ("_mmk",), r"\b[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk\b", "<6>_<29>_mmk"),
    ("notion-token", ("ntn_", "secret_"), r"\b(?:ntn_[0-9]{11}[A-Za-z0-9]{32,35}|secret_[A-Za-z0-9]{43})\b", "ntn_ + 11 digits + 35"),
    ("octopus-deploy-key", ("API-",), r"\bAPI-[A-Z0-9]{26}\b", "API- + 26"),
    ("openshift-token", ("sha256~",), r"\bsha256~[\w-]{43}(?![\w-])", "sha256~ + 43"),
    ("perplexity-key", ("pplx-",), r"\bpplx-[a-zA-Z0-9]{48}", "pplx- + 48"),
    ("planetscale-token", ("pscale_",), r"\bpscale_(?:pw|tkn|oauth)_[\w=.-]{32,64}", "pscale_tkn_ + 43"),
    ("postman-key", ("PMAK-",), r"\bPMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}", "PMAK-<24 hex>-<34 hex>"),
    ("prefect-token", ("pnu_",), r"\bpnu_[a-zA-Z0-9]{36}", "pnu_ + 36"),
    ("pulumi-token", ("pul-",), r"\bpul-[a-f0-9]{40}", "pul- + 40 hex"),
    ("readme-token", ("rdme_",), r"\brdme_[a-z0-9]{70}", "rdme_ + 70"),
    ("rubygems-token", ("rubygems_",), r"\brubygems_[a-f0-9]{48}", "rubygems_ + 48 hex"),
    ("scalingo-token", ("tk-us-",), r"\btk-us-[\w-]{48}", "tk-us- + 48"),
    ("settlemint-token", ("sm_pat_", "sm_aat_", "sm_sat_"), r"\bsm_[pas]at_[a-zA-Z0-9]{16}", "sm_pat_ + 16"),
    ("shippo-token", ("shippo_",), r"\bshippo_(?:live|test)_[a-fA-F0-9]{40}", "shippo_live_ + 40 hex"),
    ("sidekiq-secret", ("contribsys.com", "CONTRIBSYS"), r"(?i)\b[a-f0-9]{8}:[a-f0-9]{8}(?=@(?:gems|enterprise)\.contribsys\.com)|(?<=CONTRIBSYS__COM=)[a-f0-9]{8}:[a-f0-9]{8}", "cafebabe:deadbeef@gems.contribsys.com"),
    ("sourcegraph-token", ("sgp_",), r"\bsgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|\bsgp_[a-fA-F0-9]{40}", "sgp_ + 40 hex"),
    ("new-relic-key", ("NRAK-", "NRJS-", "NRII-", "NRAA-"), r"\bNR(?:AK|JS|II|AA)-[A-Za-z0-9-]{19,32}", "NRAK- + 27"),
    ("mailgun-key", ("key-", "pubkey-"), r"\b(?:pub)?key-[a-f0-9]{32}\b", "key- + 32 hex"),
    ("mapbox-token", ("pk.", "sk.eyJ", "tk.eyJ"), r"\b[pst]k\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}|\bpk\.[a-z0-9]{60}\.[a-z0-9]{22}", "pk.<60>.<22>"),
    ("typeform-token", ("tfp_",), r"\btfp_[a-zA-Z0-9\-_.=]{59}", "tfp_ + 59"),
    ("defined-networking-token", ("dnkey-",), r"\bdnkey-[a-z0-9=_\-]{26}-[a-z0-9=_\-]{52}", "dnkey-<26>-<52>"),
    ("yandex-token", ("YC", "AQVN", "t1."), r"\b(?:YC[a-zA-Z0-9_\-]{38}|AQVN[A-Za-z0-9_\-]{35,38}|t1\.[A-Z0-9a-z_-]+={0,2}\.[A-Z0-9a-z_-]{86}={0,2})(?![\w-])", "YC + 38"),
    ("gocardless-token", ("live_",), r"\blive_[a-zA-Z0-9\-_=]{40}(?![\w=-])", "live_ + 40"),
    ("lob-key", ("live_", "test_pub_"), r"\b(?:live|test)_(?:pub_)?[a-f0-9]{31,35}\b", "live_ + 35 hex"),
    ("plaid-token", ("access-sandbox-", "access-development-", "access-production-"), r"\baccess-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "access-sandbox-<uuid>"),
    ("mailchimp-key", ("-us",), r"\b[a-f0-9]{32}-us\d{1,2}\b", "<32 hex>-us12"),
    ("telegram-bot-token", (":A",), r"\b\d{5,16}:A[A-Za-z0-9_\-]{34}\b", "123456:AA + 33"),
    ("dropbox-token", ("sl.", "AAAAAAAAAA"), r"\bsl\.[A-Za-z0-9\-=_]{135,}|\b[a-z0-9]{11}AAAAAAAAAA[a-z0-9\-_=]{43}", "sl. + 135"),
    ("twitter-bearer-token", ("AAAAAAAAAAAAAAAAAAAAA",), r"A{22}[A-Za-z0-9%]{80,100}", "22 × A + 80-100"),
    ("azure-storage-key", ("AccountKey=", "SharedAccessSignature", "sig="), r"(?<=AccountKey=)[A-Za-z0-9+/=]{40,}|(?<=SharedAccessKey=)[A-Za-z0-9+/=]{40,}|(?<=[?&]sig=)[A-Za-z0-9%+/=]{30,}", "AccountKey=<88 base64>"),
]

# Values published as examples, that anyone can read where they were published: not secrets,
# whatever their shape. Firebase's Android SDK ships these Google API keys in its sources and tests
# (gitleaks allows the same list); AWS's own examples say EXAMPLE and are placeholders already.
PUBLISHED = frozenset((
    "AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs", "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
    "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU", "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0", "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c", "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4", "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
    "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM", "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ", "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU", "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw", "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
    "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
))

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_HEX = r"[0-9a-fA-F]"
# Credentials whose value has no shape of its own (a 32-hex value, a UUID): found by context (a
# secret's name, below) and named by the service a name or the words just before it mention.
# (family, the service's words (lowercase), the value's shape, example)
SERVICES = [
    ("adafruit-key", ("adafruit",), r"[\w-]{32}", "32 [a-z0-9_-]"),
    ("adobe-client-id", ("adobe",), _HEX + "{32}", "32 hex"),
    ("airtable-key", ("airtable",), r"[a-z0-9]{17}", "17 [a-z0-9]"),
    ("algolia-key", ("algolia",), r"[a-z0-9]{32}", "32 [a-z0-9]"),
    ("alibaba-secret", ("alibaba",), r"[a-z0-9]{30}", "30 [a-z0-9]"),
    ("asana-secret", ("asana",), r"[0-9]{16}|[a-z0-9]{32}", "16 digits / 32"),
    ("atlassian-token", ("atlassian", "confluence", "jira"), r"[a-z0-9]{20,24}|ATATT3[A-Za-z0-9_=-]{186}", "24 [a-z0-9]"),
    ("bitbucket-secret", ("bitbucket",), r"[a-z0-9]{32}|[\w=-]{64}", "32 / 64"),
    ("bittrex-key", ("bittrex",), r"[a-z0-9]{32}", "32 [a-z0-9]"),
    ("cloudflare-key", ("cloudflare",), r"[\w-]{40}|[a-f0-9]{37}", "40 / 37 hex"),
    ("codecov-token", ("codecov",), r"[a-z0-9]{32}", "32"),
    ("cohere-key", ("cohere", "co_api_key"), r"[a-zA-Z0-9]{40}", "40"),
    ("coinbase-token", ("coinbase",), r"[\w-]{64}", "64"),
    ("confluent-key", ("confluent",), r"[a-z0-9]{16}|[a-z0-9]{64}", "16 / 64"),
    ("contentful-token", ("contentful",), r"[\w=-]{43}", "43"),
    ("datadog-token", ("datadog",), r"[a-z0-9]{40}", "40"),
    ("discord-token", ("discord",), _HEX + r"{64}|[0-9]{18}|[\w=-]{32}", "64 hex / 18 digits"),
    ("droneci-token", ("droneci", "drone"), r"[a-z0-9]{32}", "32"),
    ("dropbox-token", ("dropbox",), r"[a-z0-9]{15}", "15"),
    ("etsy-token", ("etsy",), r"[a-z0-9]{24}", "24"),
    ("facebook-secret", ("facebook",), _HEX + "{32}", "32 hex"),
    ("fastly-token", ("fastly",), r"[\w=-]{32}", "32"),
    ("finicity-secret", ("finicity",), r"[a-z0-9]{20}|[a-f0-9]{32}", "20 / 32 hex"),
    ("finnhub-token", ("finnhub",), r"[a-z0-9]{20}", "20"),
    ("flickr-token", ("flickr",), r"[a-z0-9]{32}", "32"),
    ("freshbooks-token", ("freshbooks",), r"[a-z0-9]{64}", "64"),
    ("gitter-token", ("gitter",), r"[\w-]{40}", "40"),
    ("heroku-key", ("heroku",), _UUID, "UUID"),
    ("hubspot-key", ("hubspot",), _UUID, "UUID"),
    ("intercom-key", ("intercom",), r"[\w=-]{60}", "60"),
    ("jfrog-key", ("jfrog", "artifactory", "bintray", "xray"), r"[a-z0-9]{64,73}", "73"),
    ("kraken-token", ("kraken",), r"[\w/=+-]{80,90}", "80-90"),
    ("kucoin-key", ("kucoin",), r"[a-f0-9]{24}|" + _UUID, "24 hex / UUID"),
    ("launchdarkly-token", ("launchdarkly",), r"[\w=-]{40}", "40"),
    ("linear-secret", ("linear",), r"[a-f0-9]{32}", "32 hex"),
    ("linkedin-secret", ("linkedin", "linked_in", "linked-in"), r"[a-z0-9]{14,16}", "14-16"),
    ("looker-secret", ("looker",), r"[a-z0-9]{20,24}", "20-24"),
    ("mattermost-token", ("mattermost",), r"[a-z0-9]{26}", "26"),
    ("meraki-key", ("meraki",), r"[0-9a-f]{40}", "40 hex"),
    ("messagebird-key", ("messagebird", "message_bird", "message-bird"), r"[a-z0-9]{25}|" + _UUID, "25 / UUID"),
    ("netlify-token", ("netlify",), r"[\w=-]{40,46}", "40-46"),
    ("new-relic-key", ("newrelic", "new_relic", "new-relic"), r"[a-z0-9]{64}", "64"),
    ("nytimes-token", ("nytimes", "new-york-times", "newyorktimes"), r"[\w=-]{32}", "32"),
    ("okta-token", ("okta",), r"00[\w=-]{40}", "00 + 40"),
    ("plaid-secret", ("plaid",), r"[a-z0-9]{24}|[a-z0-9]{30}", "24 / 30"),
    ("privateai-token", ("privateai", "private_ai", "private-ai"), r"[a-z0-9]{32}", "32"),
    ("rapidapi-token", ("rapidapi",), r"[\w-]{50}", "50"),
    ("sendbird-token", ("sendbird",), r"[a-f0-9]{40}|" + _UUID, "40 hex / UUID"),
    ("sentry-token", ("sentry",), r"[a-f0-9]{64}", "64 hex"),
    ("snyk-token", ("snyk",), _UUID, "UUID"),
    ("sonar-token", ("sonar",), r"(?:squ_|sqp_|sqa_)?[\w=-]{40}", "squ_ + 40"),
    ("squarespace-token", ("squarespace",), _UUID, "UUID"),
    ("sumologic-token", ("sumo",), r"su[a-zA-Z0-9]{12}|[a-z0-9]{64}", "su + 12 / 64"),
    ("travisci-token", ("travis",), r"[a-z0-9]{22}", "22"),
    ("trello-token", ("trello",), r"[a-zA-Z0-9-]{32}", "32"),
    ("twitch-token", ("twitch",), r"[a-z0-9]{30}", "30"),
    ("twitter-token", ("twitter",), r"[a-z0-9]{25}|[a-z0-9]{45}|[a-z0-9]{50}|[0-9]{15,25}-[a-zA-Z0-9]{20,40}", "25 / 45 / 50"),
    ("zendesk-secret", ("zendesk",), r"[a-z0-9]{40}", "40"),
]
_SERVICE_BEFORE = 48  # how far before a secret's name a sentence may name its service

# Names that say their value is a secret (in a key, a variable, a sentence), lowercased.
_SECRET_WORDS = ("key", "token", "secret", "pass", "pwd", "auth", "credential", "bearer", "--user", "://")
_KEYWORD = (
    r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_ -]?key|apikey|key|credentials?|auth(?:[_-]?token)?|"
    r"private[_-]?key"
)
# A name holding a secret word, an assignment or "is", then the value (quoted or not).
_CONTEXT = (
    r"(?i)(?<![\w/.-])([\w.-]{0,60}?(?:" + _KEYWORD + r")s?)\b((?:[\"'`]?\s*(?:=|:=|::?=|:|=>|\s+(?:is|was|are|to|=)\s*:?)\s*|[\"'`]?\s*,\s*(?=[\"'`])|\s+)[\"'`]?)"
    r"(?!\[REDACTED)((?:[^\s\"'`,;&}\]<>)(\\]|\\(?![nrt\"\\]))+)"
)
_AUTH_HEADER = r"(?i)\b((?:proxy-)?authorization\s*[:=]\s*[\"']?(?:(?:bearer|basic|token|digest|apikey|api-key|sso-key|negotiate)\s+)?|bearer\s+|x-[\w-]{0,40}?(?:key|token|auth)[\w-]{0,40}\s*:\s*)(?!\[REDACTED)([\w=~@.+/-]{8,})(?![\w=~@.+/(-])"
_CURL_USER = r"(?i)((?:^|\s)(?:-u|--user)(?:=|\s+)[\"']?(?:[^\s\"':]*|\"[^\"]*\"|'[^']*')[\"']?:[\"']?)(?!\[REDACTED)([^\s\"']{3,})"
_URL_PASSWORD = r"\b([a-zA-Z][a-zA-Z0-9+.\-]{0,30}://[^/\s:@\"'\[\]]+:)(?!\[REDACTED)([^@\s/\"'\[\]]+)@"
# A dict key whose value is replaced whole, whatever it holds.
_SECRET_KEY = (
    r"(?i)^[\w.\-]*(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key"
    r"|private[_-]?key|client[_-]?secret|credentials?|auth[_-]?token)$"
)
_PLACEHOLDER_WORDS = ("xxxx", "****", "....", "<", "{{", "${", "your", "changeme", "change_me", "dummy", "placeholder", "example")
_FILLERS = frozenset("xX*0#._-<>")  # what a value made only of is a placeholder
# Triggers found inside a run of token characters rather than at its start.
_ANYWHERE = ("hooks.slack.com/", ".webhook.office.com/", "discord.com/api/webhooks/", "discordapp.com/api/webhooks/", "Q~", ":A",
             "_mmk", ".atlasv1.", "-us", "_gitlab_session=", "|", "%7C", "AccountKey=", "SharedAccessSignature", "sig=", "contribsys.com", "CONTRIBSYS", "AAAAAAAAAA",
             ".acc_", ".acc-", "'sk_", '"sk_', "private_key_id")
_RUN = r"[A-Za-z0-9_.~+/=-]{16,}"  # a run long enough to hold a secret (its pieces between "=" checked too)
_PREFIXES = None
_LONGEST = 400  # the longest value a name can introduce as a secret
_KEYS_KEPT = 4096  # keys whose verdicts a redactor remembers
_SHORT = 100  # strings up to this long are remembered with their redacted text (a model, a tool's name, a branch, a short command)
_SHORT_KEPT = 8192  # how many of them a redactor remembers

_compiled = {}
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _regex(name: str, source: str):
    regex = _compiled.get(name)
    if regex is None:
        regex = _compiled[name] = re.compile(source)
    return regex


def _prefixes() -> tuple:
    global _PREFIXES
    if _PREFIXES is None:
        _PREFIXES = tuple(sorted({p for _, triggers, _, _ in FAMILIES for p in triggers if p not in _ANYWHERE}))
    return _PREFIXES


def _candidate(text: str) -> bool:
    """The gate: whether any family can match, by one scan for runs of token characters (a value
    is one) and a check of each run's start against every family's prefix."""
    found = _regex("runs", _RUN).findall(text)
    if not found:
        return "-----BEGIN" in text or "PuTTY-User-Key" in text
    prefixes = _prefixes()
    for run in found:
        if run.startswith(prefixes) or "=" in run and any(piece.startswith(prefixes) for piece in run.split("=")):
            return True
    for trigger in _ANYWHERE:
        if trigger in text:
            return True
    return "-----BEGIN" in text or "PuTTY-User-Key" in text


def crc32_tail_ok(token: str) -> bool:
    """Whether a GitHub or npm token's last 6 characters are the CRC32 of the rest, in base62."""
    import zlib

    body = token.rpartition("_")[2]
    if len(body) < 36:
        return False
    value = zlib.crc32(body[:-6].encode())
    tail = ""
    for _ in range(6):
        value, digit = divmod(value, 62)
        tail = _BASE62[digit] + tail
    return tail == body[-6:]


def placeholder(value: str) -> bool:
    """A value that only stands for a secret: ``xxxx``, ``${VAR}``, ``<token>``, ``your_key``, ``…EXAMPLE``,
    or one published as an example (``PUBLISHED``)."""
    lowered = value.lower()
    return (not value or value[0] in "$%<{[*" or set(value) <= _FILLERS or any(word in lowered for word in _PLACEHOLDER_WORDS) or value.rstrip(".") in PUBLISHED
            or "%" in value and re.search(r"%[-#0-9.]*[sdifrx]", value) is not None)


def _counted(value: str) -> bool:
    """A run counted out rather than random: ``abcde``, ``34567`` (an eighth of the value at least),
    or a repetition (``123123123``, ``00000000``) making up a third of it."""
    run, longest = 1, max(5, len(value) // 8)  # in a long random value a short run happens by chance
    for a, b in zip(value, value[1:]):
        run = run + 1 if ord(b) == ord(a) + 1 and b.isalnum() else 1
        if run >= longest:
            return True
    spans = [len(m.group(0)) for m in _regex("repeated", r"(.{1,3}?)\1{2,}").finditer(value)]
    return max(spans, default=0) >= max(8, len(value) // 3)


def looks_secret(value: str) -> bool:
    """Whether a value named as a secret looks like one: random enough (letters and digits
    interleaved, or cases mixed as no identifier mixes them), and not code, a word, a path, a
    number of few digits or a placeholder."""
    if len(value) < 8 or placeholder(value) or _counted(value.lower()) or value[-1] == "(" or value.startswith(("http", "/", "./", "~/", "self.", "os.", "this.")):
        return False
    if value.isdigit():
        return len(value) >= 15
    alnum = "".join(c for c in value if c.isalnum())
    if len(alnum) < 8:
        return False
    digit_turns = sum(a.isdigit() != b.isdigit() for a, b in zip(alnum, alnum[1:]))
    if digit_turns >= 3:
        return True
    # Identifiers capitalise words (HTTPServer, getValue); random text has lone lowercase letters and runs of capitals.
    odd_runs = len(_regex("odd-runs", r"[A-Z]{2,}(?=[a-z])|(?<=[A-Z])[a-z](?=[A-Z])").findall(alnum))
    return len(alnum) >= 10 and odd_runs >= 2


class Redactor:
    """Callable that returns a copy of a JSON-like value with secrets replaced by ``[REDACTED:family]``.

    A dict key's verdicts (its redacted text, whether it names a secret) are remembered: records
    share a few hundred keys, and an import redacts hundreds of thousands of them. So is a short
    string's redacted text: a model's name, a tool's, a branch, a version, a stop reason come back
    in every record (they were seven in ten of the strings an import redacted)."""

    def __init__(self, enabled: bool = True, extra_patterns=(), off=()):
        self.enabled = enabled
        self.extra = [re.compile(source) for source in extra_patterns]
        self.off = frozenset(off)
        self.families = [row for row in FAMILIES if row[0] not in self.off]
        self._keys = {}  # key -> (the key redacted, whether its value is a secret)
        self._short = {}  # short string -> its redacted text

    def __call__(self, value):
        if not self.enabled:
            return value
        return self._walk(value)

    def _walk(self, value):
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return self._dict(value)
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        return value

    def _dict(self, value: dict) -> dict:
        """Each key redacted, and each value, whole (``[REDACTED:assignment]``) under a key that
        names a secret; one loop with a string's case first, the most common (it ran for every field)."""
        out, assign = {}, "assignment" not in self.off
        for key, item in value.items():
            name, secret = self._key(key) if isinstance(key, str) else (key, False)
            if isinstance(item, str):
                out[name] = "[REDACTED:assignment]" if secret and assign and item != "" and not item.startswith("[REDACTED") else self.text(item)
            elif secret and assign and isinstance(item, (int, float)) and not isinstance(item, bool):
                out[name] = "[REDACTED:assignment]"
            else:
                out[name] = self._walk(item)
        return out

    def _key(self, key: str) -> tuple:
        known = self._keys.get(key)
        if known is None:
            lowered = key.lower()
            secret = any(word in lowered for word in _SECRET_WORDS) and _regex("secret-key", _SECRET_KEY).match(key) is not None
            if len(self._keys) >= _KEYS_KEPT:
                self._keys.clear()
            known = self._keys[key] = (self.text(key), secret)
        return known

    def text(self, text: str) -> str:
        if len(text) > _SHORT:
            return self._text(text)
        known = self._short.get(text)
        if known is None:
            if len(self._short) >= _SHORT_KEPT:
                self._short.clear()
            known = self._short[text] = self._text(text)
        return known

    def _text(self, text: str) -> str:
        if _candidate(text):
            text = self._shapes(text)
        lowered = text.lower()
        for word in _SECRET_WORDS:  # a loop, not any(): this runs for every string of every record
            if word in lowered:
                text = self._contexts(text)
                break
        for regex in self.extra:
            text = regex.sub("[REDACTED:custom]", text)
        return text

    def _shapes(self, text: str) -> str:
        for name, triggers, source, _example in self.families:
            for trigger in triggers:
                if trigger in text:
                    text = _regex(name, source).sub(lambda m, name=name, trigger=trigger: _shape_replacement(m, name, trigger), text)
                    break
        return text

    def _contexts(self, text: str) -> str:
        off = self.off
        if "authorization" not in off:
            text = _regex("authorization", _AUTH_HEADER).sub(lambda m: _keep_or(m, "authorization", 8), text)
        if "curl-user" not in off and ("-u " in text or "--user" in text or "-u=" in text):
            text = _regex("curl-user", _CURL_USER).sub(lambda m: _keep_or(m, "curl-user", 3), text)
        if "url-credentials" not in off and "://" in text and "@" in text:
            text = _regex("url-credentials", _URL_PASSWORD).sub(lambda m: _keep_or(m, "password", 3), text)
        if "assignment" not in off:
            text = _named_values(text)
        return text


_WORDY = ("slack-token", "vault-token")  # families whose shape also fits words, so a match must look random too


def _shape_replacement(match, name: str, trigger: str) -> str:
    value = match.group(0)
    body = value[len(trigger):] if value.startswith(trigger) else value.split("_", 1)[-1] if "_" in value[:12] else value[4:]
    if not crc32_tail_ok(value) and (placeholder(body) or _counted(body.lower()) or value in PUBLISHED or name in _WORDY and not looks_secret(body)):
        return value
    return f"[REDACTED:{name}]"


def _keep_or(match, name: str, shortest: int) -> str:
    """The match with its value (the last group) replaced, unless the value is a placeholder."""
    value = match.group(match.lastindex)
    if len(value) < shortest or placeholder(value) or value.lower() in ("pass", "password", "test", "token", "secret", "pwd"):
        return match.group(0)
    if name != "password" and not looks_secret(value):
        return match.group(0)
    return match.group(0)[: match.start(match.lastindex) - match.start(0)] + f"[REDACTED:{name}]"


def _named_values(text: str) -> str:
    """Every value a secret's name introduces, redacted; a name whose value is kept (code, a word)
    is passed over by its name alone, so the next name after it is still seen."""
    regex = _regex("assignment", _CONTEXT)
    parts, done, position = [], 0, 0
    while True:
        match = regex.search(text, position)
        if match is None:
            break
        replacement = _assignment(match)
        if replacement is None:  # the next name may stand inside a short value; a long one is one run, passed over whole
            position = match.end(1) if len(match.group(3)) <= _LONGEST else match.end()
            continue
        parts += [text[done:match.start()], replacement]
        done = position = match.end()
    return "".join(parts) + text[done:] if parts else text


def _assignment(match):
    """The match with its value redacted, or None when the value is not a secret."""
    value = match.group(3)
    separator = match.group(2)
    if len(value) > _LONGEST:  # a value this long under a name is data, not a credential (keys in blocks have shapes)
        return None
    family = _family_of(value)
    if family:  # a credential's own shape, named as a secret: even one that looks made up
        return match.group(1) + separator + f"[REDACTED:{family}]"
    if not looks_secret(value) or match.string[match.end():match.end() + 1] in ("(", "["):  # a call or an index: code
        return None
    if separator.strip() == "" and not _strong(value):  # "key abc…" with nothing between: only a value that can be nothing else
        return None
    return match.group(1) + separator + f"[REDACTED:{_service_of(match, value)}]"


def _service_of(match, value: str) -> str:
    """The family of a service named in the secret's name or just before it whose shape the
    value has (``assignment`` when none is)."""
    named = match.string[max(0, match.start() - _SERVICE_BEFORE):match.end(1)].lower()
    for family, words, shape, _example in SERVICES:
        for word in words:
            if word in named and _regex("service " + family, "(?i)" + shape).fullmatch(value):
                return family
    return "assignment"


def _family_of(value: str):
    """The family whose shape the whole value has (None when none has, or it is a placeholder, a
    published example or one character repeated: ``AIzaaaa…``, ``glc_1111…``). A value otherwise
    counted out is still taken for the secret its name says (gitleaks' own samples, ``sk-ant-…abc123…``)."""
    if not _candidate(value):
        return None
    for name, triggers, source, _example in FAMILIES:
        for trigger in triggers:
            if value.startswith(trigger) and _regex(name, source).fullmatch(value):
                body = value[len(trigger):]
                return None if not body or placeholder(body) or value in PUBLISHED or len(set(body.rstrip("="))) == 1 else name
    return None


def _strong(value: str) -> bool:
    """A value random enough to be a secret wherever it stands: long, letters and digits mixed."""
    return len(value) >= 16 and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
