# -*- coding: utf-8 -*-
# Turns a check-mode run of the playbook xcat.ha.audit (playbooks/audit.yml), or of xcat.ha.pool_audit (the MN
# pool's, playbooks/pool_audit.yml), into an audit report: one item per task and
# host that checked something; a changed item is drift, a failed one could not be checked.
# Writes <dir>/audit.json and <dir>/audit.junit.xml (the pool's: pool-audit.json, pool-audit.junit.xml) on the control node, never into the directory
# the playbook is run from unless asked (default_dir below says where). Enabled by its FQCN
# (callbacks_enabled = xcat.ha.xcat_ha_audit: a collection's callback is loaded only when named
# there); active only while audit.yml or pool_audit.yml runs.
from __future__ import annotations

import json
import os
import time
from xml.sax.saxutils import escape, quoteattr

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
    name: xcat_ha_audit
    type: aggregate
    short_description: JSON and JUnit XML report of the xcat-ha audit (xcat.ha.audit)
    description:
      - Records every task result of the audit run and writes audit.json and audit.junit.xml (for xcat.ha.pool_audit,
        pool-audit.json and pool-audit.junit.xml).
      - Does nothing for other playbooks.
    requirements:
      - enabled in ansible.cfg (callbacks_enabled = xcat.ha.xcat_ha_audit) or by ANSIBLE_CALLBACKS_ENABLED
"""

# results of these actions are bookkeeping, not checks
NOT_CHECKS = {
    'set_fact', 'ansible.builtin.set_fact', 'debug', 'ansible.builtin.debug', 'include_vars', 'ansible.builtin.include_vars',
    'group_by', 'ansible.builtin.group_by', 'meta', 'ansible.builtin.meta', 'include_role', 'ansible.builtin.include_role',
    'include_tasks', 'ansible.builtin.include_tasks', 'slurp', 'ansible.builtin.slurp', 'gather_facts', 'setup', 'ansible.builtin.setup',
}
REPORT_PLAY = 'Report the drift the audit found'
# the audit playbooks and the name of their report files
AUDITS = {'audit.yml': 'audit', 'pool_audit.yml': 'pool-audit'}


def default_dir():
    """Where the report goes unless -e xcat_ha_audit_dir=<dir> says otherwise: $XCAT_HA_AUDIT_DIR, else
    the XDG state directory ($XDG_STATE_HOME/xcat-ha/audit, ~/.local/state/xcat-ha/audit without it):
    a report is state of the control node's user, kept between runs, not a file for the directory a
    CI job or a person happens to run ansible-playbook from."""
    if os.environ.get('XCAT_HA_AUDIT_DIR'):
        return os.path.expanduser(os.environ['XCAT_HA_AUDIT_DIR'])
    state = os.environ.get('XDG_STATE_HOME', '')
    if not os.path.isabs(state):  # the XDG spec: a relative value is invalid and ignored
        state = os.path.join(os.path.expanduser('~'), '.local', 'state')
    return os.path.join(state, 'xcat-ha', 'audit')


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'xcat_ha_audit'
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self):
        super().__init__()
        self.active = False
        self.name = 'audit'
        self.reporting = False
        self.items = []
        self.started = time.time()
        self.out_dir = default_dir()

    def v2_playbook_on_start(self, playbook):
        base = os.path.basename(playbook._file_name)
        self.active = base in AUDITS
        self.name = AUDITS.get(base, 'audit')
        self.started = time.time()

    def v2_playbook_on_play_start(self, play):
        if not self.active:
            return
        extra = play.get_variable_manager().extra_vars
        if extra.get('xcat_ha_audit_dir'):
            self.out_dir = os.path.expanduser(str(extra['xcat_ha_audit_dir']))
        if play.get_name() == REPORT_PLAY:
            self.reporting = True  # the report play's own results are not audit items
            report = self._write()
            # the report play decides the exit code from what the audit found
            play.vars['__xcat_ha_audit'] = {k: report[k] for k in ('checked', 'drift', 'errors', 'dir')}
            play.vars['__xcat_ha_audit']['findings'] = ['%s: %s (%s)' % (i['host'], i['check'], i['status']) for i in report['items'] if i['status'] != 'ok']

    def _record(self, result, status):
        if not self.active or self.reporting:
            return
        task = result._task
        if task.action in NOT_CHECKS or task.get_name() == '':
            return
        r = result._result
        if status == 'ok' and r.get('changed'):
            status = 'drift'
        diff = r.get('diff')
        self.items.append({
            'host': result._host.get_name(),
            'check': task.name or task.get_name(),
            'status': status,
            'message': r.get('msg', ''),
            'diff': self._diff_text(diff) if status == 'drift' else '',
        })

    @staticmethod
    def _diff_text(diff):
        parts = diff if isinstance(diff, list) else [diff] if diff else []
        out = []
        for d in parts:
            if not isinstance(d, dict):
                continue
            out.append('--- %s\n%s+++ %s\n%s' % (d.get('before_header', 'before'), d.get('before', ''), d.get('after_header', 'after'), d.get('after', '')))
        return '\n'.join(out)

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'ok' if ignore_errors else 'error')

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'error')

    def v2_playbook_on_stats(self, stats):
        if self.active:
            self._write()

    def _write(self):
        drift = [i for i in self.items if i['status'] == 'drift']
        errors = [i for i in self.items if i['status'] == 'error']
        report = {
            'started': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(self.started)),
            'seconds': round(time.time() - self.started, 1),
            'checked': len(self.items), 'drift': len(drift), 'errors': len(errors),
            'items': self.items,
            'dir': os.path.abspath(self.out_dir),
        }
        # 0700 as XDG asks of state directories: a drift's diff can show configuration files
        os.makedirs(self.out_dir, mode=0o700, exist_ok=True)
        self._atomic(os.path.join(self.out_dir, self.name + '.json'), json.dumps(report, indent=1, sort_keys=True) + '\n')
        self._atomic(os.path.join(self.out_dir, self.name + '.junit.xml'), self._junit(report))
        return report

    @staticmethod
    def _junit(report):
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<testsuites name="xcat-ha audit" tests="%d" failures="%d" errors="%d" time="%s">' % (report['checked'], report['drift'], report['errors'], report['seconds']),
                 '  <testsuite name="xcat-ha audit" tests="%d" failures="%d" errors="%d" timestamp="%s">' % (report['checked'], report['drift'], report['errors'], report['started'])]
        for i in report['items']:
            head = '    <testcase classname=%s name=%s>' % (quoteattr(i['host']), quoteattr(i['check']))
            if i['status'] == 'drift':
                lines += [head, '      <failure message=%s>%s</failure>' % (quoteattr('drift: ' + (i['message'] or 'would change')), escape(i['diff'] or i['message'])), '    </testcase>']
            elif i['status'] == 'error':
                lines += [head, '      <error message=%s>%s</error>' % (quoteattr('could not check'), escape(i['message'])), '    </testcase>']
            else:
                lines.append(head[:-1] + '/>')
        lines += ['  </testsuite>', '</testsuites>', '']
        return '\n'.join(lines)

    @staticmethod
    def _atomic(path, text):
        tmp = path + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(text)
        os.replace(tmp, path)
