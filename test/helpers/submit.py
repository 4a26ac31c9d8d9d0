# Submits messages on a core's submission port (587, STARTTLS, AUTH PLAIN) for the routing-gain
# test (test/e2e/route.test.ts): a few connections, one AUTH each and many messages on each, since
# the core allows about 20 AUTH a minute per client. Debian's python3:
#   submit.py CORE USER PASSWORD CA_FILE SUBJECT=RCPT...
# Prints {subject: ms since the epoch just before its MAIL FROM}; exits non-zero if any failed.
import json, smtplib, ssl, sys, threading, time

core, user, password, ca = sys.argv[1:5]
jobs = [arg.split("=", 1) for arg in sys.argv[5:]]
sent, errors = {}, []

def submit(part):
    try:
        context = ssl.create_default_context(cafile=ca)
        context.check_hostname = False  # reached by address; the chain is still checked against the lab CA
        session = smtplib.SMTP(core, 587, timeout=30)
        session.starttls(context=context)
        session.login(user, password)
        for subject, rcpt in part:
            sent[subject] = int(time.time() * 1000)
            session.sendmail(user, [rcpt], f"From: {user}\r\nTo: {rcpt}\r\nSubject: {subject}\r\n\r\nrouted\r\n")
        session.quit()
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=submit, args=(jobs[i::3],)) for i in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if errors:
    sys.exit("; ".join(errors))
print(json.dumps(sent))
