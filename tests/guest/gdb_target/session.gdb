# Example scripted session (checked against QEMU 7.2 -gdb tcp::23457 -S):
#   gdb-multiarch -q -batch -x tests/guest/gdb_target/session.gdb tests/guest/build/gdb_target.elf
# Expected: compute_step hit with i = 0 then i = 1; the watchpoint reports counter 1 -> 2, 2 -> 3;
# the guest then runs to SYSTEM_OFF ("exited normally") printing RESULT ok.
target remote :23457
break compute_step
continue
print i
continue
print i
delete
watch counter
continue
continue
delete
continue
