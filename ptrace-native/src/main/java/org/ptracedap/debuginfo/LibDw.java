package org.ptracedap.debuginfo;

import com.sun.jna.Callback;
import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Bindings to elfutils' libdwfl (in {@code libdw.so.1}, Debian's {@code libdw1}), as in
 * {@code <elfutils/libdwfl.h>}: C names verbatim, no logic. C {@code bool} results and arguments
 * are mapped as {@code byte}. Facts measured here: DESIGN.md §7.
 *
 * <p>Callbacks and the structures of function pointers libdwfl keeps (Dwfl_Callbacks,
 * Dwfl_Thread_Callbacks) are stored by pointer: the caller keeps them reachable for the Dwfl's
 * life.
 */
public final class LibDw {
    private LibDw() {}

    public static final String SONAME = "libdw.so.1";
    private static final NativeLibrary LIB;
    private static final Throwable MISSING;

    static {
        NativeLibrary lib = null;
        Throwable missing = null;
        try {
            lib = NativeLibrary.getInstance(SONAME);
            Native.register(LibDw.class, lib);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            missing = e;
        }
        LIB = lib;
        MISSING = missing;
    }

    /** Null if libdw is here; otherwise what a person should do about it. */
    public static String missing() {
        return MISSING == null ? null : "libdw (" + SONAME + ") cannot be loaded: " + MISSING.getMessage()
                + "; install it with `apt-get install libdw1`";
    }

    /** A function of libdw by name, for the standard callbacks ({@code dwfl_linux_proc_find_elf}, …). */
    public static Function function(String name) {
        return LIB.getFunction(name);
    }

    // Dwfl_Thread_Callbacks (libdwfl.h), each a C function pointer.

    /** {@code pid_t (*next_thread)(Dwfl *dwfl, void *dwfl_arg, void **thread_argp)}. */
    public interface NextThread extends Callback {
        int invoke(Pointer dwfl, Pointer dwflArg, Pointer threadArgp);
    }

    /** {@code bool (*get_thread)(Dwfl *dwfl, pid_t tid, void *dwfl_arg, void **thread_argp)}. */
    public interface GetThread extends Callback {
        byte invoke(Pointer dwfl, int tid, Pointer dwflArg, Pointer threadArgp);
    }

    /** {@code bool (*memory_read)(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *dwfl_arg)}. */
    public interface MemoryRead extends Callback {
        byte invoke(Pointer dwfl, long addr, Pointer result, Pointer dwflArg);
    }

    /** {@code bool (*set_initial_registers)(Dwfl_Thread *thread, void *thread_arg)}. */
    public interface SetInitialRegisters extends Callback {
        byte invoke(Pointer thread, Pointer threadArg);
    }

    /** {@code void (*detach)(Dwfl *dwfl, void *dwfl_arg)}, and {@code thread_detach} alike. */
    public interface Detach extends Callback {
        void invoke(Pointer dwflOrThread, Pointer arg);
    }

    /** {@code int (*callback)(Dwfl_Frame *state, void *arg)} of dwfl_getthread_frames: DWARF_CB_OK (0) or DWARF_CB_ABORT (1). */
    public interface FrameCallback extends Callback {
        int invoke(Pointer frame, Pointer arg);
    }

    public static final int DWARF_CB_OK = 0;
    public static final int DWARF_CB_ABORT = 1;

    /**
     * {@code int (*find_debuginfo)(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
     * const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc, char **debuginfo_file_name)}
     * of Dwfl_Callbacks: an open descriptor of the module's debug file (libdwfl keeps it) or -1; may
     * set {@code *debuginfo_file_name} to a malloc'ed path. The strings come as pointers (NULL when
     * absent), to be handed on unchanged.
     */
    public interface FindDebuginfo extends Callback {
        int invoke(Pointer mod, Pointer userdata, Pointer modname, long base, Pointer fileName, Pointer debuglinkFile,
                   int debuglinkCrc, Pointer debuginfoFileName);
    }

    /**
     * libdwfl's find_debuginfo by build-id alone: {@code .build-id/xx/rest.debug} under the debug
     * path ({@code /usr/lib/debug}), checked against the module's build-id; for a dwz alt file, by
     * the alt's. Files only (libdwfl/dwfl_build_id_find_debuginfo.c).
     */
    public static native int dwfl_build_id_find_debuginfo(Pointer mod, Pointer userdata, Pointer modname, long base,
                                                          Pointer fileName, Pointer debuglinkFile, int debuglinkCrc,
                                                          Pointer debuginfoFileName);

    /**
     * libdwfl's standard find_debuginfo: by build-id, then by .gnu_debuglink on the debug path,
     * then — only for a build-id, and when libdebuginfod is there and DEBUGINFOD_URLS set — a
     * debuginfod server (libdwfl/find-debuginfo.c).
     */
    public static native int dwfl_standard_find_debuginfo(Pointer mod, Pointer userdata, Pointer modname, long base,
                                                          Pointer fileName, Pointer debuglinkFile, int debuglinkCrc,
                                                          Pointer debuginfoFileName);

    /** {@code int dwfl_module_build_id(Dwfl_Module *, const unsigned char **bits, GElf_Addr *vaddr)}: the build-id's length (its bytes in libdwfl's memory), 0 if none, -1 on error. */
    public static native int dwfl_module_build_id(Pointer module, PointerByReference bits, LongByReference vaddr);

    /** {@code Dwfl *dwfl_begin(const Dwfl_Callbacks *callbacks)}; NULL on error. */
    public static native Pointer dwfl_begin(Pointer callbacks);

    public static native void dwfl_end(Pointer dwfl);

    public static native void dwfl_report_begin(Pointer dwfl);

    /** {@code int dwfl_report_end(Dwfl *, int (*removed)(…), void *arg)}; 0 on success. */
    public static native int dwfl_report_end(Pointer dwfl, Pointer removed, Pointer arg);

    /** Reports the modules mapped in {@code pid} (from /proc/PID/maps); 0 on success, else an errno. */
    public static native int dwfl_linux_proc_report(Pointer dwfl, int pid);

    /** {@code bool dwfl_attach_state(Dwfl *, Elf *elf, pid_t pid, const Dwfl_Thread_Callbacks *, void *dwfl_arg)}. */
    public static native byte dwfl_attach_state(Pointer dwfl, Pointer elf, int pid, Pointer threadCallbacks, Pointer dwflArg);

    /** {@code int dwfl_getthread_frames(Dwfl *, pid_t tid, callback, void *arg)}: 0 when the unwind ended, -1 on error, else the callback's. */
    public static native int dwfl_getthread_frames(Pointer dwfl, int tid, FrameCallback callback, Pointer arg);

    /** {@code bool dwfl_frame_pc(Dwfl_Frame *, Dwarf_Addr *pc, bool *isactivation)}. */
    public static native byte dwfl_frame_pc(Pointer frame, LongByReference pc, Pointer isActivation);

    /** {@code bool dwfl_thread_state_registers(Dwfl_Thread *, int firstreg, unsigned nregs, const Dwarf_Word *regs)}. */
    public static native byte dwfl_thread_state_registers(Pointer thread, int firstreg, int nregs, long[] regs);

    public static native Pointer dwfl_addrmodule(Pointer dwfl, long address);

    /** {@code const char *dwfl_module_addrinfo(Dwfl_Module *, GElf_Addr, GElf_Off *offset, GElf_Sym *sym, GElf_Word *shndxp, Elf **elfp, Dwarf_Addr *bias)}. */
    public static native String dwfl_module_addrinfo(Pointer module, long address, LongByReference offset, Pointer sym,
                                                     IntByReference shndx, PointerByReference elf, LongByReference bias);

    /** {@code Elf_Scn *dwfl_module_address_section(Dwfl_Module *, Dwarf_Addr *address, Dwarf_Addr *bias)}: the ELF section holding the address (which becomes its offset there), NULL if none. */
    public static native Pointer dwfl_module_address_section(Pointer module, LongByReference address, LongByReference bias);

    /** libelf's {@code GElf_Shdr *gelf_getshdr(Elf_Scn *, GElf_Shdr *dst)} ({@code sh_size} at offset 32 of its 64 bytes). */
    public static native Pointer gelf_getshdr(Pointer section, Pointer header);

    /** libelf's {@code unsigned int elf_version(unsigned int)}: must be called (with EV_CURRENT, 1) before {@link #elf_begin}. */
    public static native int elf_version(int version);

    /** libelf's {@code Elf *elf_begin(int fd, Elf_Cmd cmd, Elf *ref)} (cmd 1: ELF_C_READ). */
    public static native Pointer elf_begin(int fd, int cmd, Pointer ref);

    /** libelf's {@code int elf_end(Elf *)}. */
    public static native int elf_end(Pointer elf);

    /** {@code ssize_t dwelf_elf_gnu_build_id(Elf *, const void **build_idp)}: the build-id's length (its bytes in {@code *build_idp}), 0 none, -1 error. */
    public static native long dwelf_elf_gnu_build_id(Pointer elf, PointerByReference buildId);

    /** libelf's {@code size_t elf_ndxscn(Elf_Scn *)}: the section's index (libelf is libdw's dependency, found through it). */
    public static native long elf_ndxscn(Pointer section);

    /** {@code const char *dwfl_module_info(Dwfl_Module *, void ***userdata, Dwarf_Addr *start, Dwarf_Addr *end, …, const char **mainfile, const char **debugfile)}. */
    public static native String dwfl_module_info(Pointer module, Pointer userdata, LongByReference start, LongByReference end,
                                                 LongByReference dwbias, LongByReference symbias, PointerByReference mainfile,
                                                 PointerByReference debugfile);

    /** {@code int (*callback)(Dwfl_Module *, void **userdata, const char *name, Dwarf_Addr start, void *arg)} of dwfl_getmodules. */
    public interface ModuleCallback extends Callback {
        int invoke(Pointer module, Pointer userdata, String name, long start, Pointer arg);
    }

    /** {@code ptrdiff_t dwfl_getmodules(Dwfl *, callback, void *arg, ptrdiff_t offset)}: 0 when all were seen, -1 on error. */
    public static native long dwfl_getmodules(Pointer dwfl, ModuleCallback callback, Pointer arg, long offset);

    /** {@code Dwarf *dwfl_module_getdwarf(Dwfl_Module *, Dwarf_Addr *bias)}: the module's DWARF (its own or a separate debug file's), NULL if none. */
    public static native Pointer dwfl_module_getdwarf(Pointer module, LongByReference bias);

    /** {@code int dwfl_frame_reg(Dwfl_Frame *, unsigned regno, Dwarf_Word *val)}: 0 when the frame's register {@code regno} (DWARF numbering) is known. */
    public static native int dwfl_frame_reg(Pointer frame, int regno, LongByReference value);

    /** {@code Dwarf_CFI *dwfl_module_eh_cfi(Dwfl_Module *, Dwarf_Addr *bias)}: the module's .eh_frame, NULL if none. */
    public static native Pointer dwfl_module_eh_cfi(Pointer module, LongByReference bias);

    /** {@code Dwarf_CFI *dwfl_module_dwarf_cfi(Dwfl_Module *, Dwarf_Addr *bias)}: the module's .debug_frame, NULL if none. */
    public static native Pointer dwfl_module_dwarf_cfi(Pointer module, LongByReference bias);

    /**
     * {@code int dwarf_cfi_addrframe(Dwarf_CFI *, Dwarf_Addr address, Dwarf_Frame **frame)}: 0 and
     * the frame's rules at {@code address} (without bias) in {@code *frame}, to be freed with free().
     */
    public static native int dwarf_cfi_addrframe(Pointer cfi, long address, PointerByReference frame);

    /**
     * {@code int dwarf_frame_cfa(Dwarf_Frame *, Dwarf_Op **ops, size_t *nops)}: 0 and the CFA as a
     * DWARF expression (a register + offset rule comes as one {@code DW_OP_bregx}), in the frame's memory.
     */
    public static native int dwarf_frame_cfa(Pointer frame, PointerByReference ops, LongByReference count);

    // libdw proper (<elfutils/libdw.h>): DIEs and attributes. A Dwarf_Die is 4 words, a Dwarf_Attribute 3.

    public static final int DWARF_DIE_SIZE = 32;
    public static final int DWARF_ATTRIBUTE_SIZE = 24;

    public static final int DW_TAG_subprogram = 0x2e;
    public static final int DW_TAG_inlined_subroutine = 0x1d;
    public static final int DW_AT_name = 0x03;
    public static final int DW_AT_comp_dir = 0x1b;
    public static final int DW_AT_producer = 0x25;
    public static final int DW_AT_call_column = 0x57;
    public static final int DW_AT_call_file = 0x58;
    public static final int DW_AT_call_line = 0x59;
    public static final int DW_AT_linkage_name = 0x6e;
    public static final int DW_AT_MIPS_linkage_name = 0x2007;

    /** {@code Dwarf_Die *dwfl_module_addrdie(Dwfl_Module *, Dwarf_Addr addr, Dwarf_Addr *bias)}: the CU containing {@code addr}, NULL if none. */
    public static native Pointer dwfl_module_addrdie(Pointer module, long address, LongByReference bias);

    /**
     * {@code int dwarf_getscopes(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die **scopes)}: the DIEs
     * whose ranges contain {@code pc} (a CU-relative address, without the module's bias),
     * innermost first, in an array the caller frees; their count, 0 if none, -1 on error.
     */
    public static native int dwarf_getscopes(Pointer cudie, long pc, PointerByReference scopes);

    /**
     * {@code int dwarf_getscopes_die(Dwarf_Die *die, Dwarf_Die **scopes)}: {@code die} and the DIEs
     * it is nested in as written (an inlined copy's concrete callers, unlike dwarf_getscopes, which
     * goes on with the inlined function's abstract definition), innermost first; freed by the caller.
     */
    public static native int dwarf_getscopes_die(Pointer die, PointerByReference scopes);

    public static native int dwarf_tag(Pointer die);

    /** {@code Dwarf_Die *dwfl_module_nextcu(Dwfl_Module *, Dwarf_Die *lastcu, Dwarf_Addr *bias)}: the CU after {@code lastcu} (NULL: the first), NULL at the end. */
    public static native Pointer dwfl_module_nextcu(Pointer module, Pointer lastcu, LongByReference bias);

    /** {@code int dwarf_getsrclines(Dwarf_Die *cudie, Dwarf_Lines **lines, size_t *nlines)}: the CU's rows, sorted by address; 0 on success. */
    public static native int dwarf_getsrclines(Pointer cudie, PointerByReference lines, LongByReference count);

    /** {@code Dwarf_Line *dwarf_onesrcline(Dwarf_Lines *lines, size_t idx)}. */
    public static native Pointer dwarf_onesrcline(Pointer lines, long index);

    /** {@code int dwarf_lineaddr(Dwarf_Line *, Dwarf_Addr *addrp)}: 0 on success (the address without bias). */
    public static native int dwarf_lineaddr(Pointer line, LongByReference address);

    /** {@code int dwarf_linebeginstatement(Dwarf_Line *, bool *flagp)}: is_stmt; 0 on success. */
    public static native int dwarf_linebeginstatement(Pointer line, com.sun.jna.ptr.ByteByReference flag);

    /** {@code int dwarf_linediscriminator(Dwarf_Line *, unsigned int *discp)}: 0 on success. */
    public static native int dwarf_linediscriminator(Pointer line, IntByReference discriminator);

    /** {@code int dwarf_lineendsequence(Dwarf_Line *, bool *flagp)}: the row ends a sequence (no code at its address); 0 on success. */
    public static native int dwarf_lineendsequence(Pointer line, com.sun.jna.ptr.ByteByReference flag);

    /** {@code int dwarf_lineno(Dwarf_Line *, int *linep)}: 0 on success. */
    public static native int dwarf_lineno(Pointer line, IntByReference lineno);

    /** {@code int dwarf_linecol(Dwarf_Line *, int *colp)}: 0 on success. */
    public static native int dwarf_linecol(Pointer line, IntByReference column);

    /** {@code const char *dwarf_linesrc(Dwarf_Line *, Dwarf_Word *mtime, Dwarf_Word *length)}. */
    public static native String dwarf_linesrc(Pointer line, LongByReference mtime, LongByReference length);

    public static final int DW_TAG_call_site = 0x48;
    public static final int DW_TAG_GNU_call_site = 0x4109;
    public static final int DW_AT_low_pc = 0x11;
    public static final int DW_AT_abstract_origin = 0x31;
    public static final int DW_AT_call_return_pc = 0x7d;
    public static final int DW_AT_call_origin = 0x7f;
    public static final int DW_AT_call_tail_call = 0x82;
    public static final int DW_AT_GNU_tail_call = 0x2115;

    /** {@code int dwarf_child(Dwarf_Die *die, Dwarf_Die *result)}: 0 with the first child in result, 1 if none, -1 on error. */
    public static native int dwarf_child(Pointer die, Pointer result);

    /** {@code int dwarf_siblingof(Dwarf_Die *die, Dwarf_Die *result)}: 0 with the next sibling, 1 if none, -1 on error. */
    public static native int dwarf_siblingof(Pointer die, Pointer result);

    /** {@code int dwarf_hasattr(Dwarf_Die *, unsigned search_name)}: 1 if the DIE itself has it. */
    public static native int dwarf_hasattr(Pointer die, int name);

    /** {@code Dwarf_Attribute *dwarf_attr(Dwarf_Die *, unsigned search_name, Dwarf_Attribute *result)}: the DIE's own attribute. */
    public static native Pointer dwarf_attr(Pointer die, int name, Pointer result);

    /** {@code int dwarf_formaddr(Dwarf_Attribute *, Dwarf_Addr *)}: 0 on success. */
    public static native int dwarf_formaddr(Pointer attribute, LongByReference address);

    /** {@code Dwarf_Die *dwarf_formref_die(Dwarf_Attribute *, Dwarf_Die *result)}: the DIE referred to, NULL on error. */
    public static native Pointer dwarf_formref_die(Pointer attribute, Pointer result);

    /** {@code int dwarf_entrypc(Dwarf_Die *, Dwarf_Addr *)}: 0 with the DIE's entry address (without bias). */
    public static native int dwarf_entrypc(Pointer die, LongByReference address);

    /** {@code Dwarf_Off dwarf_dieoffset(Dwarf_Die *)}. */
    public static native long dwarf_dieoffset(Pointer die);

    /** {@code int dwarf_haspc(Dwarf_Die *die, Dwarf_Addr pc)}: 1 if {@code pc} (without bias) is in the DIE's ranges. */
    public static native int dwarf_haspc(Pointer die, long pc);

    /** {@code int dwfl_module_getsymtab(Dwfl_Module *)}: the number of symbols (index 0 the null one), -1 on error. */
    public static native int dwfl_module_getsymtab(Pointer module);

    /**
     * {@code const char *dwfl_module_getsym_info(Dwfl_Module *, int ndx, GElf_Sym *sym, GElf_Addr *addr,
     * GElf_Word *shndxp, Elf **elfp, Dwarf_Addr *bias)}: symbol {@code ndx}'s name, its GElf_Sym
     * (24 bytes: st_info at 4, st_size at 16) and its address in the process.
     */
    public static native String dwfl_module_getsym_info(Pointer module, int index, Pointer sym, LongByReference address,
                                                        IntByReference shndx, PointerByReference elf, LongByReference bias);

    /** {@code Dwarf_Attribute *dwarf_attr_integrate(Dwarf_Die *, unsigned search_name, Dwarf_Attribute *result)}: through abstract origins and specifications. */
    public static native Pointer dwarf_attr_integrate(Pointer die, int name, Pointer result);

    public static native String dwarf_formstring(Pointer attribute);

    /** {@code int dwarf_formudata(Dwarf_Attribute *, Dwarf_Word *)}: 0 on success. */
    public static native int dwarf_formudata(Pointer attribute, LongByReference value);

    /** {@code int dwarf_getsrcfiles(Dwarf_Die *cudie, Dwarf_Files **files, size_t *nfiles)}: 0 on success. */
    public static native int dwarf_getsrcfiles(Pointer cudie, PointerByReference files, LongByReference count);

    /** {@code const char *dwarf_filesrc(Dwarf_Files *, size_t idx, Dwarf_Word *mtime, Dwarf_Word *length)}. */
    public static native String dwarf_filesrc(Pointer files, long index, LongByReference mtime, LongByReference length);

    // Types (DwarfTypes): unit walks, forms, and the tags and attributes of DWARF's type DIEs.

    public static final int DW_TAG_array_type = 0x01;
    public static final int DW_TAG_class_type = 0x02;
    public static final int DW_TAG_enumeration_type = 0x04;
    public static final int DW_TAG_formal_parameter = 0x05;
    public static final int DW_TAG_member = 0x0d;
    public static final int DW_TAG_pointer_type = 0x0f;
    public static final int DW_TAG_reference_type = 0x10;
    public static final int DW_TAG_compile_unit = 0x11;
    public static final int DW_TAG_structure_type = 0x13;
    public static final int DW_TAG_subroutine_type = 0x15;
    public static final int DW_TAG_typedef = 0x16;
    public static final int DW_TAG_union_type = 0x17;
    public static final int DW_TAG_unspecified_parameters = 0x18;
    public static final int DW_TAG_inheritance = 0x1c;
    public static final int DW_TAG_ptr_to_member_type = 0x1f;
    public static final int DW_TAG_subrange_type = 0x21;
    public static final int DW_TAG_base_type = 0x24;
    public static final int DW_TAG_const_type = 0x26;
    public static final int DW_TAG_enumerator = 0x28;
    public static final int DW_TAG_variable = 0x34;
    public static final int DW_TAG_volatile_type = 0x35;
    public static final int DW_TAG_restrict_type = 0x37;
    public static final int DW_TAG_namespace = 0x39;
    public static final int DW_TAG_unspecified_type = 0x3b;
    public static final int DW_TAG_partial_unit = 0x3c;
    public static final int DW_TAG_rvalue_reference_type = 0x42;
    public static final int DW_TAG_atomic_type = 0x47;

    public static final int DW_AT_location = 0x02;
    public static final int DW_AT_byte_size = 0x0b;
    public static final int DW_AT_bit_offset = 0x0c;
    public static final int DW_AT_bit_size = 0x0d;
    public static final int DW_AT_language = 0x13;
    public static final int DW_AT_const_value = 0x1c;
    public static final int DW_AT_containing_type = 0x1d;
    public static final int DW_AT_lower_bound = 0x22;
    public static final int DW_AT_prototyped = 0x27;
    public static final int DW_AT_upper_bound = 0x2f;
    public static final int DW_AT_count = 0x37;
    public static final int DW_AT_data_member_location = 0x38;
    public static final int DW_AT_declaration = 0x3c;
    public static final int DW_AT_encoding = 0x3e;
    public static final int DW_AT_external = 0x3f;
    public static final int DW_AT_specification = 0x47;
    public static final int DW_AT_type = 0x49;
    public static final int DW_AT_virtuality = 0x4c;
    public static final int DW_AT_data_bit_offset = 0x6b;
    public static final int DW_AT_enum_class = 0x6d;

    public static final int DW_FORM_sdata = 0x0d;
    public static final int DW_FORM_implicit_const = 0x21;

    public static final int DW_OP_addr = 0x03;
    public static final int DW_OP_plus_uconst = 0x23;

    /** A {@code Dwarf_Op} (libdw.h): atom (u8) at 0, number at 8, number2 at 16, offset at 24. */
    public static final int DWARF_OP_SIZE = 32;

    /** {@code Dwarf *dwarf_begin(int fildes, Dwarf_Cmd cmd)} (cmd 0: DWARF_C_READ): a file's DWARF, NULL on error. */
    public static native Pointer dwarf_begin(int fd, int cmd);

    /** {@code int dwarf_end(Dwarf *)}. */
    public static native int dwarf_end(Pointer dwarf);

    /**
     * {@code int dwarf_get_units(Dwarf *, Dwarf_CU *cu, Dwarf_CU **next_cu, Dwarf_Half *version,
     * uint8_t *unit_type, Dwarf_Die *cudie, Dwarf_Die *subdie)}: the unit after {@code cu} (NULL:
     * the first), its DIE in {@code cudie}; 0 on success, 1 after the last, -1 on error.
     */
    public static native int dwarf_get_units(Pointer dwarf, Pointer cu, PointerByReference nextCu, Pointer version,
                                             Pointer unitType, Pointer cudie, Pointer subdie);

    /** {@code Dwarf_Die *dwarf_diecu(Dwarf_Die *die, Dwarf_Die *result, uint8_t *address_sizep, uint8_t *offset_sizep)}: the DIE of the unit holding {@code die}. */
    public static native Pointer dwarf_diecu(Pointer die, Pointer result, Pointer addressSize, Pointer offsetSize);

    /** {@code int dwarf_srclang(Dwarf_Die *cudie)}: the unit's DW_LANG_*, -1 if none. */
    public static native int dwarf_srclang(Pointer cudie);

    /** {@code int dwarf_formsdata(Dwarf_Attribute *, Dwarf_Sword *)}: 0 on success (DW_FORM_dataN sign-extended from N bytes). */
    public static native int dwarf_formsdata(Pointer attribute, LongByReference value);

    /** {@code int dwarf_formflag(Dwarf_Attribute *, bool *)}: 0 on success. */
    public static native int dwarf_formflag(Pointer attribute, com.sun.jna.ptr.ByteByReference flag);

    /** {@code unsigned int dwarf_whatform(Dwarf_Attribute *)}: the attribute's DW_FORM_*. */
    public static native int dwarf_whatform(Pointer attribute);

    /**
     * {@code int dwarf_getlocation(Dwarf_Attribute *, Dwarf_Op **expr, size_t *exprlen)}: a
     * location given as one expression (not a list), its {@code Dwarf_Op}s in libdw's memory; 0 on success.
     */
    public static native int dwarf_getlocation(Pointer attribute, PointerByReference expression, LongByReference length);

    /** {@code int dwarf_formblock(Dwarf_Attribute *, Dwarf_Block *)}: a block form's bytes (Dwarf_Block: length at 0, data pointer at 8); 0 on success. */
    public static native int dwarf_formblock(Pointer attribute, Pointer block);

    /** {@code Dwarf_Die *dwarf_offdie(Dwarf *, Dwarf_Off offset, Dwarf_Die *result)}: the DIE at a .debug_info offset. */
    public static native Pointer dwarf_offdie(Pointer dwarf, long offset, Pointer result);

    public static native int dwfl_errno();

    public static native String dwfl_errmsg(int error);

    // ---- locations (variables' values): libdw.h's dwarf_getlocation* family

    public static final int DW_TAG_lexical_block = 0x0b;
    public static final int DW_TAG_call_site_parameter = 0x49;
    public static final int DW_TAG_GNU_call_site_parameter = 0x410a;
    public static final int DW_AT_frame_base = 0x40;
    public static final int DW_AT_call_value = 0x7e;
    public static final int DW_AT_GNU_call_site_value = 0x2111;
    public static final int DW_AT_decl_line = 0x3b;
    public static final int DW_AT_artificial = 0x34;

    /**
     * {@code int dwarf_getlocation_addr(Dwarf_Attribute *, Dwarf_Addr address, Dwarf_Op **exprs, size_t *exprlens, size_t nlocs)}:
     * the location expressions valid at {@code address} (without bias), up to {@code nlocs}; their number, 0 none, -1 error.
     */
    public static native int dwarf_getlocation_addr(Pointer attribute, long address, Pointer exprs, Pointer lengths, long nlocs);

    /** {@code int dwarf_getlocation_attr(Dwarf_Attribute *, const Dwarf_Op *op, Dwarf_Attribute *result)}: an op's operand as an attribute (entry_value's block); 0 on success. */
    public static native int dwarf_getlocation_attr(Pointer attribute, Pointer op, Pointer result);


    /** {@code int dwarf_getlocation_implicit_value(Dwarf_Attribute *, const Dwarf_Op *op, Dwarf_Block *block)}: {length, data}; 0 on success. */
    public static native int dwarf_getlocation_implicit_value(Pointer attribute, Pointer op, Pointer block);





    // ---- where a breakpoint goes (BreakpointSites): line flags, ranges, functions and their inlined copies, code bytes

    public static final int DW_TAG_imported_declaration = 0x08;
    public static final int DW_TAG_label = 0x0a;
    public static final int DW_TAG_imported_module = 0x3a;
    public static final int DW_AT_decl_file = 0x3a;
    public static final int DW_AT_inline = 0x20;
    public static final int DW_FORM_data4 = 0x06;
    public static final int DW_FORM_data8 = 0x07;
    public static final int DW_FORM_sec_offset = 0x17;
    public static final int DW_FORM_loclistx = 0x22;

    /** {@code int (*callback)(Dwarf_Die *, void *)} of dwarf_getfuncs and dwarf_func_inline_instances: DWARF_CB_OK or DWARF_CB_ABORT; the DIE lives for the call only. */
    public interface DieCallback extends Callback {
        int invoke(Pointer die, Pointer arg);
    }

    /** {@code int dwarf_lineprologueend(Dwarf_Line *, bool *flagp)}: the row is where the function's prologue ends (DW_LNS_set_prologue_end); 0 on success. */
    public static native int dwarf_lineprologueend(Pointer line, com.sun.jna.ptr.ByteByReference flag);

    /**
     * {@code ptrdiff_t dwarf_ranges(Dwarf_Die *die, ptrdiff_t offset, Dwarf_Addr *basep, Dwarf_Addr *startp, Dwarf_Addr *endp)}:
     * the DIE's address range after {@code offset} (0: its first, as listed; without bias) in
     * {@code [*startp, *endp)}; the offset of the next, 0 after the last, -1 on error.
     */
    public static native long dwarf_ranges(Pointer die, long offset, LongByReference base, LongByReference start, LongByReference end);

    /** {@code ptrdiff_t dwarf_getfuncs(Dwarf_Die *cudie, callback, void *arg, ptrdiff_t offset)}: calls back for each DW_TAG_subprogram of the CU (0: all visited). */
    public static native long dwarf_getfuncs(Pointer cudie, DieCallback callback, Pointer arg, long offset);

    /**
     * {@code int dwarf_func_inline_instances(Dwarf_Die *func, callback, void *arg)}: calls back for
     * each DW_TAG_inlined_subroutine of {@code func}'s CU whose abstract origin it is (whatever its
     * DW_AT_inline says: GCC writes "declared inline but not inlined", 2, for functions it did inline).
     */
    public static native int dwarf_func_inline_instances(Pointer func, DieCallback callback, Pointer arg);

    /** libelf's {@code Elf_Data *elf_getdata(Elf_Scn *, Elf_Data *)}: the section's bytes (Elf_Data: d_buf at 0, d_size at 16; d_buf NULL for SHT_NOBITS). */
    public static native Pointer elf_getdata(Pointer section, Pointer data);

    /** {@code Dwarf *dwarf_cu_getdwarf(Dwarf_CU *)}. */
    public static native Pointer dwarf_cu_getdwarf(Pointer cu);
}
