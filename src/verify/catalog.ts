/**
 * Every check `mailops verify` runs: what a pass proves, and how to fix a failure. The
 * documentation (docs/verify-checks.md) and the default hint of every failed check come from here.
 */
export const GROUPS = ['network', 'smtp', 'tls', 'auth', 'relay', 'route', 'delivery', 'dns', 'host'] as const
export type CheckGroup = (typeof GROUPS)[number]

export interface CheckSpec {
  /** Runs on: every node, edges, cores, or once per domain. */
  scope: 'node' | 'edge' | 'core' | 'domain'
  /** One result per endpoint/port (target) rather than one per node. */
  perTarget?: boolean
  proves: string
  fix: string
}

export const CHECKS = {
  'network.port': {
    scope: 'node',
    perTarget: true,
    proves: "Each mail port is open exactly where the role needs it (core: 25, 465, 587, 143, 993, 110, 995; edge: 25 only) and closed elsewhere; the core's 25 may also be filtered (its firewall opens it to the edges alone: smtp.edges-only), never closed.",
    fix: 'Start the service that should listen, or remove the listener / firewall the port the role must not expose (an edge has no mailboxes and no submission).',
  },
  'network.ipv6': {
    scope: 'edge',
    proves: "Where the MX's name has AAAA records, port 25 answers on every IPv6 address with the same greeting as on its IPv4 address (internet.nl: IPv6 addresses for mail server(s), IPv6 reachability of mail server(s)). An MX without AAAA is reported as not applicable, saying so; so is every MX of a lab (its links have no IPv6).",
    fix: "Make Postfix listen on IPv6 (inet_protocols = all) and open 25 in the firewall for ip6, or withdraw the AAAA record until it does.",
  },
  'smtp.banner': {
    scope: 'node',
    proves: 'Port 25 greets with 220 and names the node by its fully qualified name (what EHLO, PTR and the certificate should agree on).',
    fix: 'Set myhostname = NODE.DOMAIN and smtpd_banner = $myhostname ESMTP in main.cf (the bundled blueprints do).',
  },
  'smtp.ehlo': {
    scope: 'node',
    proves: 'EHLO offers PIPELINING, 8BITMIME, SIZE and STARTTLS, which senders rely on.',
    fix: 'Do not disable them with smtpd_discard_ehlo_keywords; set smtpd_tls_security_level = may and a certificate for STARTTLS.',
  },
  'smtp.vrfy': {
    scope: 'node',
    proves: 'VRFY is disabled, so the node does not confirm which addresses exist.',
    fix: 'Set disable_vrfy_command = yes in main.cf.',
  },
  'smtp.postmaster': {
    scope: 'edge',
    proves: "Mail for postmaster@DOMAIN (RFC 5321 §4.5.1) and abuse@DOMAIN (RFC 2142) is accepted by the MX hosts (the edges; the core takes mail from them only, see smtp.edges-only).",
    fix: 'Set vars.postmaster_to to a mailbox (the core blueprint aliases postmaster@ and abuse@ to it) and redeploy.',
  },
  'smtp.size': {
    scope: 'edge',
    proves: "The SIZE the edge advertises on port 25 is at least 64 KiB below the core's (the headers the edge adds fit), so a message the edge accepts is never refused by the core and bounced.",
    fix: "Set vars.edge_message_size_limit at least 65536 below the core's message_size_limit (the edge blueprint's default is 25 MiB - 64 KiB) and redeploy.",
  },
  'smtp.system-accounts': {
    scope: 'node',
    proves: "RCPT to system accounts and address literals is refused from outside - root@localhost, root@[NODE-IP], postmaster@[NODE-IP] - so nothing lands in an unread /var/mail or is accepted and then dropped. RCPT only, no mail is sent.",
    fix: 'Postfix: check_recipient_access with a map refusing @localhost and @[address literals] first in smtpd_recipient_restrictions, and local_recipient_maps naming no system account (the bundled blueprints: /etc/postfix/recipient_access, /etc/postfix/local_recipients).',
  },
  'smtp.edges-only': {
    scope: 'core',
    proves: "The core's port 25 takes mail only from the edges (and the core itself): verify, which is not an edge, gets no answer (the core's firewall drops it) or is refused (5xx) when it asks for a mailbox that exists, while an edge (through an SSH channel from the first edge of the inventory) is greeted, so nothing bypasses the edges' postscreen and filters. RCPT only, no mail is sent.",
    fix: "The core's firewall opens 25 to the edges alone (/etc/nftables.conf, see host.firewall) and Postfix there: smtpd_client_restrictions = permit_mynetworks, check_client_access cidr:/etc/postfix/edge_clients, reject, with the edges' addresses in edge_clients (the core blueprint writes all three from the inventory's edges; redeploy).",
  },
  'tls.available': {
    scope: 'node',
    perTarget: true,
    proves: 'The endpoint speaks TLS: STARTTLS (or STLS) is offered and the handshake completes, or the implicit-TLS port handshakes.',
    fix: 'Configure a certificate and key (smtpd_tls_cert_file/smtpd_tls_key_file, ssl_cert/ssl_key) and TLS on the listener.',
  },
  'tls.protocols': {
    scope: 'node',
    perTarget: true,
    proves: 'TLS 1.0 and 1.1 are refused and TLS 1.3 is offered (a warning when only 1.2 is).',
    fix: 'Postfix: smtpd_tls_protocols and smtpd_tls_mandatory_protocols = >=TLSv1.2; Dovecot: ssl_min_protocol = TLSv1.2; no @SECLEVEL=0 in cipher lists.',
  },
  'tls.cipher': {
    scope: 'node',
    perTarget: true,
    proves: 'The cipher a modern client gets is forward-secret AEAD (TLS 1.3, or ECDHE/DHE with GCM or ChaCha20-Poly1305).',
    fix: 'Use the default cipher lists of Postfix (medium) and Dovecot with OpenSSL 3; remove custom lists that allow RSA key exchange or CBC first.',
  },
  'tls.suites': {
    scope: 'node',
    perTarget: true,
    proves: "Every TLS 1.2 suite the endpoint accepts (enumerated as a client: offer all, drop the one picked, repeat) is in the TLS policy of docs/tls-policy.md - Mozilla intermediate (forward-secret AEAD) where TLS is required, plus AES with CBC or RSA key exchange on port 25 - so never an anonymous, NULL, export, RC4 or 3DES suite; and the server's order wins over the client's.",
    fix: 'Postfix: tls_preempt_cipherlist = yes, smtpd_tls_mandatory_ciphers = high with tls_high_cipherlist, smtpd_tls_ciphers = medium with tls_medium_cipherlist, smtpd_tls_exclude_ciphers as docs/tls-policy.md lists, and smtpd_tls_security_level = encrypt on 465; Dovecot: ssl_cipher_list and ssl_prefer_server_ciphers = yes. Redeploy the bundled blueprints.',
  },
  'tls.chain': {
    scope: 'node',
    perTarget: true,
    proves: 'The certificate chain verifies against the CA file given with --ca-file (or the system roots).',
    fix: 'Serve the full chain (leaf then intermediates) in the certificate file, signed by a CA clients trust, and not expired.',
  },
  'tls.issuer': {
    scope: 'node',
    perTarget: true,
    proves:
      "The certificate comes from where the inventory says: on a node with vars.tls_source acme, the chain served leads to the ACME server's CA (vars.acme_issuer_cert: one of its certificates is in the chain or issued and signed the one above it), so the certificate is the ACME server's and not a leftover or a self-made one; on any other node the leaf served is exactly its vars.tls_cert. RFC 8555 (ACME) issuance; internet.nl's 'trust chain of certificate' checks that a chain leads to a trusted root, this also checks which one.",
    fix: 'ACME node: deploy again (the acme blueprint obtains the certificate: systemctl status mailops-acme and /var/log/letsencrypt/letsencrypt.log say why it did not); check that vars.acme_issuer_cert is the CA the ACME server issues under. Other node: redeploy, so that /etc/mailops/tls/cert.pem is the vars.tls_cert given, and reload Postfix and Dovecot.',
  },
  'tls.hostname': {
    scope: 'node',
    perTarget: true,
    proves: "The certificate names the node (its NODE.DOMAIN in subjectAltName), so clients that check names accept it.",
    fix: 'Issue the certificate with every node name (and the domain) as subjectAltName DNS entries.',
  },
  'tls.expiry': {
    scope: 'node',
    perTarget: true,
    proves: 'The certificate served is valid for at least 30 more days (warning below 30, failure below 7 or when expired).',
    fix: 'Renew the certificate (vars.tls_cert / secret tls_key) and redeploy; automate renewal well before 30 days.',
  },
  'tls.next-hop': {
    scope: 'edge',
    proves: "The edge's TLS to the core is verified: after a delivery through the edge, its Postfix log (read over SSH) records the connection to the core as `Verified TLS` - the core's chain checked against the CA and its name CORE.DOMAIN matched - not Untrusted, Trusted (chain only) or Anonymous, so no one between them can pose as the core.",
    fix: 'Postfix on the edge: smtp_tls_policy_maps with "[CORE-ADDRESS]:25 secure match=CORE.DOMAIN", smtp_tls_CAfile with the CA of the core\'s certificate (vars.tls_ca_cert) and smtp_tls_loglevel = 1 (the edge blueprint sets all three; redeploy).',
  },
  'auth.before-tls': {
    scope: 'node',
    perTarget: true,
    proves: 'No authentication is offered before TLS (no AUTH in EHLO, IMAP LOGINDISABLED, no POP3 USER), so passwords never cross in clear. Checked from capabilities only: no password is ever sent unencrypted.',
    fix: 'Postfix: smtpd_tls_auth_only = yes; Dovecot: disable_plaintext_auth = yes (ssl = required).',
  },
  'auth.login': {
    scope: 'core',
    perTarget: true,
    proves: 'The verify account logs in over TLS on submission (587, AUTH PLAIN after STARTTLS), IMAPS (993) and POP3S (995).',
    fix: 'Check the account in vars.mail_users and its password (secret verify_password); Postfix must reach Dovecot auth (smtpd_sasl_path = private/auth).',
  },
  'auth.bad-login': {
    scope: 'core',
    perTarget: true,
    proves: 'A wrong password is refused on submission, IMAPS and POP3S.',
    fix: 'Never use a passdb that accepts any password (e.g. nopassword=y or a static passdb); check Dovecot passdb.',
  },
  'auth.throttle': {
    scope: 'core',
    perTarget: true,
    proves: 'Password guessing is bounded per client address, not per connection: 30 wrong logins at once from one address on 587, 465, 993 and 995 get at most 10 password verdicts (Postfix anvil: 10 connections and 20 AUTH a minute per address on submission; the firewall: 10 connections per address and port), the rest refused before the password. Run last, from a second source address (--probe-source, or the lab\'s vars.verify_probe_source), so that the penalties it sets off never slow the logins of this run or the next; without one it is not run, saying why.',
    fix: 'Core: smtpd_client_connection_count_limit = 10 and smtpd_client_auth_rate_limit = 20 on submission and submissions (master.cf), and the firewall\'s ct count over 10 per address on the login ports (/etc/nftables.conf); the core blueprint writes both (docs/auth-throttling.md); redeploy.',
  },
  'auth.sender': {
    scope: 'core',
    perTarget: true,
    proves: 'Logged in as the verify account on submission (587) and submissions (465), MAIL FROM its own address is accepted, while another local address (another mailbox of the inventory, else ceo@DOMAIN) and a foreign address are refused: a user cannot send, and have DKIM-signed, mail as someone else. RCPT only, no mail is sent.',
    fix: 'Postfix: smtpd_sender_login_maps listing each address with the login that owns it, and smtpd_sender_restrictions = reject_sender_login_mismatch on submission and submissions (the core blueprint does both).',
  },
  'relay.open': {
    scope: 'node',
    proves: 'An unauthenticated client cannot relay: RCPT to a foreign domain is refused with 5xx (no mail is sent).',
    fix: 'Postfix: smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination (no permit, no broad mynetworks).',
  },
  'route.transport': {
    scope: 'core',
    proves: "With a route plan named by the inventory (vars.route_plan): the core's /etc/postfix/transport_routes holds exactly the plan's transport(5) lines for that core, in order, and main.cf's transport_maps names it (texthash:/etc/postfix/transport_routes), so Postfix sends each routed domain to its egress edge, then its fallback (a nexthop list, Postfix 3.5 and later: transport(5), \"NEXTHOP\"). The evidence is the differing lines. Not run without a plan.",
    fix: 'Run mailops route apply -i INVENTORY (or mailops deploy): it writes the lines of the plan vars.route_plan names. A hand edit of transport_routes is put back by the next deploy.',
  },
  'route.egress': {
    scope: 'edge',
    perTarget: true,
    proves: "Each edge a route of the plan leaves through relays for the core: an SMTP session from the core's own address (through the core's SSH) — EHLO, MAIL FROM postmaster@DOMAIN, RCPT TO postmaster@ a destination routed through this edge — gets 250 (RFC 5321 §3.3; Postfix: permit_mynetworks in smtpd_relay_restrictions, SMTPD_ACCESS_README). RSET and QUIT: no mail is sent. One result per core; relay.open still shows a stranger refused. Not run on an edge no route leaves through, nor without a plan.",
    fix: "Redeploy the edge (mailops route apply): /etc/postfix/route_clients must list the core, and main.cf read it in mynetworks and smtpd_milter_maps. A stopped Postfix on the edge fails this too: its routes go by their fallback meanwhile.",
  },
  'delivery.inbound': {
    scope: 'edge',
    proves: 'A message sent to this edge for the verify account reaches the core mailbox and is fetched over IMAPS; the time it took is the evidence. The message is deleted afterwards.',
    fix: "Follow the message in /var/log/postfix.log on the edge then the core: transport_maps to the core, relay_recipients, the core's LMTP to Dovecot.",
  },
  'delivery.auth-results': {
    scope: 'edge',
    proves: "The message of delivery.inbound arrives with an Authentication-Results header (RFC 8601) that the edge added in its own name, with SPF, DKIM and DMARC results evaluated through the node's resolver; the one the probe carried in the edge's name (every result a pass, as a forger would write it) was removed, so what a reader's client shows is the edge's verdict.",
    fix: "Run rspamd on the edge as Postfix's milter (smtpd_milters = inet:127.0.0.1:11332) with milter_headers using authentication-results (the edge blueprint: /etc/rspamd/local.d/milter_headers.conf); check service rspamd status and /var/log/rspamd/rspamd.log.",
  },
  'delivery.forgery': {
    scope: 'edge',
    proves: "Mail from outside claiming the own domain is refused: as envelope sender (MAIL FROM in the domain, refused by RCPT; nothing is sent), and in the From: header with a foreign envelope, as phishing does (refused at the end of DATA, or at least filed as spam in Junk). Found copies are deleted.",
    fix: "Edge: check_sender_access refusing the own domain (smtpd_sender_restrictions, /etc/postfix/sender_access) and rspamd refusing a From: in the own domain from outside (/etc/rspamd/local.d/multimap.conf with own_domain.map), as the edge blueprint writes them; redeploy.",
  },
  'delivery.gtube': {
    scope: 'edge',
    proves: 'The GTUBE test message (the standard string every spam filter knows) sent through the edge to the verify account is refused at the end of DATA, or filed as spam (Junk); it never reaches the inbox unmarked. A filed copy is deleted.',
    fix: 'Run rspamd on the edge as Postfix\'s milter (smtpd_milters, milter_default_action = tempfail) with its Redis; on the core, the Sieve script that files X-Spam: Yes into Junk (the blueprints install and configure both).',
  },
  'delivery.at-rest': {
    scope: 'core',
    proves: "Mail is stored encrypted (Dovecot mail_crypt, docs/encryption-at-rest.md): a canary the verify account submits to itself is read back over IMAPS, and while it is stored its body text is in no file under /var/mail, /var/vmail, /var/spool, /var/log or /tmp (searched over SSH). Maildir files still in plain text (written before encryption was on) are counted: a warning (`mailops deploy` encrypts them in place). The canary is deleted afterwards.",
    fix: 'Give the core the key pair (secret mail_crypt_private_key, vars.mail_crypt_public_key) and redeploy: the blueprint loads mail_crypt into Dovecot. A canary found only in the queue (/var/spool/postfix) means LMTP did not take it yet: read /var/log/postfix.log.',
  },
  'delivery.unicode': {
    scope: 'node',
    proves: "Internationalised mail is delivered or refused up front, never accepted and then bounced (backscatter to a possibly forged sender): where port 25 offers SMTPUTF8, a UTF-8 message (MAIL ... SMTPUTF8, UTF-8 From and Subject, null sender) reaches the verify account's mailbox; where it does not, MAIL ... SMTPUTF8 is refused with 5xx.",
    fix: 'Offer SMTPUTF8 only when every hop supports it: Dovecot LMTP does not, so set smtputf8_enable = no on edges and cores (the bundled blueprints do).',
  },
  'delivery.outbound-dkim': {
    scope: 'core',
    proves: 'Mail submitted on the core (587) leaves with a DKIM signature for the domain that verifies against the published key (captured by the peer given with --peer, checked with mailauth).',
    fix: "Check OpenDKIM is running and Postfix uses it (smtpd_milters, milter_macro_daemon_name = ORIGINATING on submission); publish the key `mailops dns` prints.",
  },
  'delivery.outbound-spf': {
    scope: 'core',
    proves: "The core's address is allowed by the domain's SPF record for mail it sends.",
    fix: 'Publish the SPF record `mailops dns` prints (ip4: of every node that sends).',
  },
  'delivery.outbound-dmarc': {
    scope: 'core',
    proves: 'Outbound mail passes DMARC: DKIM or SPF aligned with the From domain.',
    fix: 'Sign with d=DOMAIN and publish the DMARC record `mailops dns` prints.',
  },
  'dns.mx': {
    scope: 'domain',
    proves: 'The domain has MX records naming exactly the edge nodes, each resolving to its address.',
    fix: 'Publish the MX and A records `mailops dns` prints.',
  },
  'dns.spf': {
    scope: 'domain',
    proves: 'Exactly one SPF record: valid syntax, at most 10 DNS lookups (RFC 7208 §4.6.4), no +all or ?all, and it allows the cores.',
    fix: 'Publish the SPF record `mailops dns` prints; flatten includes that exceed 10 lookups.',
  },
  'dns.dkim': {
    scope: 'core',
    proves: 'SELECTOR._domainkey.DOMAIN publishes the public key of the private key on the core (read over SSH).',
    fix: 'Publish the DKIM record `mailops dns` prints (it reads the key back from the core).',
  },
  'dns.dmarc': {
    scope: 'domain',
    proves: '_dmarc.DOMAIN has a valid DMARC record; p=none is a warning (monitoring only).',
    fix: 'Publish the DMARC record `mailops dns` prints; move to p=quarantine or p=reject once reports are clean.',
  },
  'dns.mta-sts': {
    scope: 'domain',
    proves: "_mta-sts.DOMAIN has exactly one MTA-STS record (v=STSv1) and its id is the current policy's (the hash of the policy mailops computes for the inventory): a stale id means senders keep a policy they cached before it changed. RFC 8461 §3.1 (internet.nl has no MTA-STS test).",
    fix: 'Publish the _mta-sts TXT record `mailops dns` prints (its id changes exactly when the policy does), after deploying the edges that serve the new policy.',
  },
  'dns.mta-sts-policy': {
    scope: 'edge',
    proves: "The edge serves the MTA-STS policy as a sender fetches it: https://mta-sts.DOMAIN/.well-known/mta-sts.txt (the name resolving) over HTTPS with a certificate for mta-sts.DOMAIN from the expected CA (vars.tls_ca_file, else the system's roots), 200 and text/plain, no redirect (RFC 8461 §3.3); it parses strictly (version STSv1, mode, max_age at most 31557600, mx; §3.2), its mode is enforce, and every MX the domain publishes matches one of its mx patterns (§4.1). A valid policy other than the one mailops computes is a warning (the edge not redeployed). internet.nl has no MTA-STS test.",
    fix: "Redeploy the edge (mailops deploy installs nginx serving the policy mailops computes, with the edge's certificate, which must carry mta-sts.DOMAIN) and publish mta-sts.DOMAIN as mailops dns prints it; a policy whose mx misses an MX makes enforcing senders refuse to deliver there.",
  },
  'dns.tls-rpt': {
    scope: 'domain',
    proves: '_smtp._tls.DOMAIN asks for TLS reports (v=TLSRPTv1 with a mailto: or https: rua). RFC 8460 §3 (internet.nl has no TLS-RPT test).',
    fix: 'Publish the TLS-RPT record `mailops dns` prints.',
  },
  'dns.caa': {
    scope: 'domain',
    proves: "The domain's relevant CAA record set (its own, or its closest ancestor's: RFC 8659 §3) exists and allows every CA of vars.caa_issuers to issue (an issue property naming it), with no critical property unknown to the check (§4.5). No CAA at all warns when vars.caa_issuers is empty (any CA may issue) and fails when it is not. RFC 8659 (internet.nl has no CAA test).",
    fix: 'Set vars.caa_issuers to the CAs that issue your certificates (for example letsencrypt.org) and publish the CAA records `mailops dns` prints.',
  },
  'dns.dnssec': {
    scope: 'domain',
    proves: "The domain (its SOA) and every MX name (its A record) are DNSSEC-signed and validate: the resolver (--resolver) sets the AD bit on each answer; a bogus signature (SERVFAIL, whose data comes with RRSIGs when checking is disabled) or an unsigned zone fails. internet.nl: DNSSEC existence and DNSSEC validity, for the email address domain and for the mail server domains (RFC 4033-4035). Meaningful only through a validating resolver that has the zone's chain of trust (the lab's Unbound has its trust anchor).",
    fix: "Sign the zone and publish its DS at the parent (the lab signs its zones on every mailops dns --apply); a bogus answer means a signature does not match its data: re-sign after any edit (ldns-signzone) and reload the server. The resolver's log (the lab's dns/dns.log) names the failing RRset.",
  },
  'dns.dane': {
    scope: 'edge',
    proves: "_25._tcp.MX has TLSA records, validated by DNSSEC (AD; an unvalidated TLSA is unusable, RFC 7672 §2.2), and one of them matches the certificate the MX serves on STARTTLS: DANE-EE (3) against its leaf, DANE-TA (2) against a CA certificate it sends; PKIX usages (0, 1) do not count for SMTP (RFC 7672 §3.1.3). internet.nl: DANE existence and DANE validity (RFC 6698, RFC 7671, RFC 7672).",
    fix: "Publish the TLSA 3 1 1 records mailops dns prints (SHA-256 of the public key of the edge's vars.tls_cert) and redeploy the edge if it serves another key. Before a key rotation set vars.tls_next_public_key and publish first, so both keys have records until the new certificate is deployed (RFC 7671 §8.1).",
  },
  'dns.ptr': {
    scope: 'node',
    proves: "The node's address has a PTR record to its name, and that name resolves back to the address (forward-confirmed reverse DNS), as receivers expect.",
    fix: 'Ask the owner of the address (the cloud provider) to set the PTR `mailops dns` lists.',
  },
  'host.services': {
    scope: 'node',
    proves: "Every service of the node's blueprint is running (core: Postfix, Dovecot, OpenDKIM; edge: Redis, rspamd, Postfix); on systemd hosts also enabled at boot (a warning if not), and no unit failed (a warning naming them).",
    fix: 'Start it (service NAME start) and read its log (/var/log/postfix.log, /var/log/dovecot.log) for why it stopped.',
  },
  'host.queue': {
    scope: 'node',
    proves: 'The Postfix queue is short (warning from 100 messages, failure from 1000); how many of them are deferred, and how many bounces the current log holds (mail accepted, then returned), are reported with it.',
    fix: 'Inspect with postqueue -p and the log; a growing queue means the next hop (core, relayhost) refuses or is unreachable.',
  },
  'host.disk': {
    scope: 'node',
    proves: 'The file systems of the queue and the mailboxes have headroom: a warning below 20% and 10 GiB free, a failure below 10% and 2 GiB (both must be low: a fifth of a large disk is still weeks of mail).',
    fix: 'Free or add space; check log rotation (/etc/logrotate.d/mailops) and mailbox retention.',
  },
  'host.memory': {
    scope: 'node',
    proves: 'Available memory has headroom (warning below 10%, failure below 5%).',
    fix: 'Find the process using memory (ps aux --sort=-rss) or give the node more memory.',
  },
  'host.logrotate': {
    scope: 'node',
    proves: 'logrotate is installed and /etc/logrotate.d/mailops is valid (`logrotate -d` reports no error) and rotates the Postfix log, so log retention (vars.log_retention_days) is enforced rather than logs growing forever.',
    fix: 'Install logrotate (a package of the bundled blueprints) and redeploy, which writes /etc/logrotate.d/mailops; run logrotate -d /etc/logrotate.d/mailops for the error.',
  },
  'host.firewall': {
    scope: 'node',
    proves: "The host firewall is loaded as deployed: nftables' table inet mailops in the kernel is the one /etc/nftables.conf loads (both listed by the host's own nft, rule by rule; counters and per-client connection counts left out), so only SSH and the role's ports are open, the core's 25 to the edges alone. Hosts without systemd (namespace-only lab hosts) get no firewall: skipped, saying so.",
    fix: 'Load it again: systemctl reload nftables (or redeploy); a table that differs was changed by hand (nft list table inet mailops shows it), a missing one means nftables.service stopped or failed (systemctl status nftables).',
  },
  'host.certificate': {
    scope: 'node',
    proves: 'The certificate file on the node exists, matches its key, and is valid for at least 30 days.',
    fix: 'Redeploy with a valid vars.tls_cert and secret tls_key pair (an ACME node: deploy obtains a new one).',
  },
  'host.replication': {
    scope: 'core',
    proves:
      "A core of an inventory with two or more (blueprint replication) has synced every mailbox with each core after it in the inventory (each pair is synced by its first core) within the last 30 s (warn up to 5 min, the source's RPO; fail beyond, or never): the age of the newest complete sync is the most mail a core's loss would take with it. Read from what the core's sync loop wrote (/var/lib/mailops/replication/PEER.json), against the core's own clock.",
    fix: "Read the error the check shows (the loop's last failed round); on the core: service mailops-replicate status (systemctl status on systemd), then run one round by hand: doveadm sync -u USER ssh -F none -i /etc/mailops/replication/key -o UserKnownHostsFile=/etc/mailops/replication/known_hosts root@PEER doveadm dsync-server -u USER. 'Host key verification failed': the peer's key is not in the inventory's known_hosts (deploy again once it is).",
  },
  'host.renewal': {
    scope: 'node',
    proves:
      "A node whose certificate comes from ACME (vars.tls_source acme) renews it by itself: Debian's certbot.timer is enabled (it comes back after a reboot) and active, and its next run is before the certificate's expiry less 30 days (certbot renews from then on), so the certificate is renewed in time without anyone deploying. RFC 8555 gives no renewal rule; this is what Let's Encrypt advises (renew with 30 days left). Reported for ACME nodes only: a certificate handed in (vars.tls_cert) is renewed by deploying another (host.certificate watches its expiry).",
    fix: 'systemctl enable --now certbot.timer (or deploy again: the acme blueprint enables it); systemctl list-timers certbot.timer shows the next run; a certificate already within 30 days of expiry: systemctl start certbot.service, then read /var/log/letsencrypt/letsencrypt.log.',
  },
} as const satisfies Record<string, CheckSpec>

export type CheckId = keyof typeof CHECKS
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[]
export const groupOf = (id: CheckId): CheckGroup => id.split('.')[0] as CheckGroup

/** The documentation page of every check, generated from CHECKS (a test keeps the file current). */
export function checksMarkdown(): string {
  const lines = [
    '# `mailops verify` checks',
    '',
    'Generated from `src/verify/catalog.ts`; `mailops verify --list` prints the same. Select with `--only`/`--skip` by group (`tls`) or id (`tls.expiry`).',
    '',
  ]
  for (const group of GROUPS) {
    lines.push(`## ${group}`, '', '| id | runs on | proves | how to fix a failure |', '|---|---|---|---|')
    for (const id of CHECK_IDS.filter((c) => groupOf(c) === group)) {
      const spec: CheckSpec = CHECKS[id]
      const scope = {node: 'every node', edge: 'edges', core: 'cores', domain: 'the domain'}[spec.scope] + (spec.perTarget ? ', per port' : '')
      lines.push(`| \`${id}\` | ${scope} | ${spec.proves.replaceAll('|', '\\|')} | ${spec.fix.replaceAll('|', '\\|')} |`)
    }
    lines.push('')
  }
  return lines.join('\n').trimEnd() + '\n'
}
