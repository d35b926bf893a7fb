# tests/gdb/session.gdb — the scripted gdb-multiarch session of tests/gdb/run-suite.sh.
# Every "MARK" line is checked by the runner.
set pagination off
set confirm off
target remote :__PORT__
echo MARK connected\n
info threads
break compute_step
continue
echo MARK bp1 i=
print i
continue
echo MARK bp2 i=
print i
echo MARK regs pc-is-compute_step=
print $pc == (unsigned long)compute_step
echo MARK x0=
print $x0
echo MARK sp-nonzero=
print $sp != 0
echo MARK mem counter=
x/1gx &counter
set $v7.d.u[1] = 0x1122334455667788
echo MARK vreg=
p/x $v7.d.u[1]
echo MARK dreg=
p/x $d7.u
echo MARK fpcr=
p $fpcr
set $before = $pc
stepi
echo MARK step delta=
print $pc - $before
delete
watch counter
continue
echo MARK watch counter=
print counter
continue
echo MARK watch2 counter=
print counter
delete
set var counter = counter
continue
echo MARK end\n
