"""Free and consumer mail domains: an address there says nothing about the employer.

Curated from the providers with the largest consumer mailbox counts (Google, Microsoft,
Yahoo, Apple, AOL, Proton, GMX/WEB.DE, Yandex, Mail.ru, Tencent, NetEase, Zoho, ISPs).
A company's account is never defined by one of these domains.
"""

from __future__ import annotations

__all__ = ["FREE_MAIL_DOMAINS"]

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        # Google, Microsoft, Yahoo, Apple, AOL
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr",
        "hotmail.de", "hotmail.it", "hotmail.es", "outlook.com", "outlook.fr",
        "outlook.de", "outlook.es", "live.com", "live.co.uk", "live.fr", "live.de",
        "live.nl", "msn.com", "passport.com", "windowslive.com", "yahoo.com",
        "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.ca",
        "yahoo.com.au", "yahoo.co.in", "yahoo.co.jp", "yahoo.com.br", "ymail.com",
        "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com", "aim.com",
        "aol.co.uk", "verizon.net",
        # privacy and independent providers
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com",
        "tuta.io", "fastmail.com", "fastmail.fm", "hushmail.com", "zoho.com",
        "zohomail.com", "mail.com", "email.com", "usa.com", "inbox.com", "hey.com",
        "gmx.com", "gmx.net", "gmx.de", "gmx.at", "gmx.ch", "web.de", "t-online.de",
        "freenet.de", "posteo.de", "mailbox.org", "orange.fr", "wanadoo.fr", "free.fr",
        "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "tiscali.it", "alice.it",
        "seznam.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl", "terra.com.br",
        "uol.com.br", "bol.com.br",
        # Russia, China, Korea, India
        "yandex.ru", "yandex.com", "ya.ru", "mail.ru", "bk.ru", "inbox.ru", "list.ru",
        "rambler.ru", "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net",
        "sina.com", "sohu.com", "aliyun.com", "naver.com", "daum.net", "hanmail.net",
        "rediffmail.com",
        # ISPs
        "comcast.net", "att.net", "sbcglobal.net", "bellsouth.net", "cox.net",
        "charter.net", "earthlink.net", "btinternet.com", "sky.com", "virginmedia.com",
        "ntlworld.com", "talktalk.net", "bigpond.com", "optusnet.com.au", "shaw.ca",
        "rogers.com", "sympatico.ca", "telus.net",
        # disposable
        "mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com",
        "trashmail.com", "sharklasers.com",
    }
)  # fmt: skip
