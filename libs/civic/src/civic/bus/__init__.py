"""The Kafka bus as a boundary: who may connect (SCRAM over TLS), and what each may do (ACLs).

* ``access``: one principal's way in (bootstrap, user, password, the CA), for aiokafka,
  FastStream and confluent-kafka alike. No client of ours connects without one.
* ``grants``: the table of least privilege, one row per principal (``docs/kafka-security.md``).
* ``admin``: creates credentials, ACLs and topics from that table, and revokes them.
"""
