"""How the benchmark starts, drives and stops each client: a fresh HOME with
its own config, logged in to the private Prosody on 127.0.0.1 without any
question asked."""
import os
import shutil
import subprocess


class Driver:
    name = ""
    quit = "/quit"
    focus = ""
    console = None

    def available(self):
        return shutil.which(self.binary) is not None

    def supports(self, _command):
        return True


class Jabiru(Driver):
    name = "jabiru"
    focus = "/msg bot@localhost"
    console = "/xmlconsole"

    def __init__(self, binary):
        self.binary = binary

    def available(self):
        return os.access(self.binary, os.X_OK)

    def version(self):
        out = subprocess.run([self.binary, "--version"], capture_output=True, text=True).stdout
        head = out.splitlines()[0] if out else "?"
        src = os.path.dirname(os.path.dirname(os.path.abspath(self.binary)))
        rev = subprocess.run(["git", "-C", src, "describe", "--always", "--dirty"],
                             capture_output=True, text=True).stdout.strip()
        return "%s (git %s)" % (head, rev or "?")

    def supports(self, command):
        # A command the build does not know is not measured.
        with open(self.binary, "rb") as f:
            return command.encode() in f.read()

    def prepare(self, home, jid, pw, server):
        argv = [self.binary, "--jid", jid, "--server", "127.0.0.1", "--port",
                str(server["C2S_PORT"]), "--ca-file", server["CA_FILE"], "--resource", "jabiru"]
        return {"JABIRU_PASSWORD": pw}, argv


class Profanity(Driver):
    name = "profanity"
    binary = "profanity"
    focus = "/msg bot@localhost"
    console = "/xmlconsole"

    def version(self):
        out = subprocess.run(["profanity", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "?"

    def prepare(self, home, jid, pw, server):
        data = os.path.join(home, ".local", "share", "profanity")
        conf = os.path.join(home, ".config", "profanity")
        os.makedirs(data, mode=0o700)
        os.makedirs(conf, mode=0o700)
        # tls.policy=trust: TLS required, our self-signed certificate accepted.
        with open(os.path.join(data, "accounts"), "w") as f:
            f.write("[%s]\nenabled=true\njid=%s\nserver=127.0.0.1\nport=%s\n"
                    "resource=profanity\npassword=%s\ntls.policy=trust\n"
                    "presence.login=online\n" % (jid, jid, server["C2S_PORT"], pw))
        os.chmod(os.path.join(data, "accounts"), 0o600)
        return {}, ["profanity", "-a", jid]


class Mcabber(Driver):
    name = "mcabber"
    binary = "mcabber"
    # The buffer shown is the one of the roster entry selected.
    focus = "/roster search bot@localhost"

    def version(self):
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "mcabber"],
                             capture_output=True, text=True).stdout
        return "mcabber " + (out or "?")

    def prepare(self, home, jid, pw, server):
        d = os.path.join(home, ".mcabber")
        os.makedirs(d, mode=0o700)
        rc = os.path.join(d, "mcabberrc")
        with open(rc, "w") as f:
            f.write("set jid = %s\nset password = %s\nset server = 127.0.0.1\nset port = %s\n"
                    "set resource = mcabber\nset disable_random_resource = 1\nset tls = 1\n"
                    "set ssl_ignore_checks = 1\nset logging = 0\nset load_logs = 0\n"
                    "set beep_on_message = 0\n" % (jid, pw, server["C2S_PORT"]))
        os.chmod(rc, 0o600)
        return {}, ["mcabber", "-f", rc]


def make(name, jabiru):
    if name == "jabiru":
        return Jabiru(jabiru)
    if name == "profanity":
        return Profanity()
    if name == "mcabber":
        return Mcabber()
    raise SystemExit("bench: unknown client %s" % name)
