drop function private.record_audit_log();
