/// A one-check runbook over an Ansible group's hosts (`{ansible_group: web}`): a scenario's
/// `inventory` answers the group in `medic test` and drills, and the tests of both share it.
public enum Fleet {
    public static let yaml = """
        medic: 1
        id: fleet
        title: Fleet
        hosts:
          web: {ansible_group: web}
        steps:
          state:
            kind: check
            title: Is nginx active on every web server?
            why: w
            where: {hosts: web}
            command: [systemctl, is-active, nginx]
            branches:
              - when: {all_hosts: {succeeded: true}}
                next: fine
                because: active on every web server
              - otherwise: lost
          fine: {kind: conclusion, title: Fine, why: w, outcome: no-fault, cause: none}
          lost: {kind: conclusion, title: Lost, why: w, outcome: escalate, cause: none}
        causes:
          none: {title: "No fault found", description: "In this test, no fault found."}
        """
}
