/** The JVM's own start-up floor: start, print one line, exit. */
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
